import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key: `aff_<id>_<secret>`. The id is public (listed, logged, the rate-limit bucket);
 * the secret is 32 random bytes in base64url. Keys given from outside (AFFINITY_ADMIN_KEY)
 * must have a secret of at least 32 such characters (192 bits).
 */
export const API_KEY_PATTERN = /^aff_([A-Za-z0-9]{1,32})_([A-Za-z0-9_-]{32,128})$/;

export interface ParsedApiKey {
  id: string;
  secret: string;
}

/** `aff_<id>_<secret>` → its parts; undefined for anything else. */
export function parseApiKey(text: string): ParsedApiKey | undefined {
  const m = API_KEY_PATTERN.exec(text);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** A new key: a 12-hex-digit id and a 256-bit secret. */
export function generateApiKey(): ParsedApiKey & { key: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `aff_${id}_${secret}` };
}

/**
 * What is stored instead of the secret. A plain SHA-256 is enough here, unlike for passwords:
 * the secret is 256 random bits (192 at least for a provided key), so there is no dictionary to
 * try and brute force is out of reach whatever the hash costs; a deliberately slow hash
 * (bcrypt, scrypt) would only add milliseconds to every request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time, so response times say nothing about the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
