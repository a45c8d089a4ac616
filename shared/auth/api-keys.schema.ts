import { z } from 'zod';
import { wellFormed } from '../http/text-schemas.ts';
import { SCOPES } from './scopes.ts';

/** Highest per-key rate limit (requests per minute) the API and the CLI accept. */
export const MAX_RATE_LIMIT_PER_MINUTE = 10_000_000;

export const keyIdParam = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'not an API key id');
export const keyIdParams = z.object({ id: keyIdParam });

export const createKeyBody = z.strictObject({
  /** Who or what the key is for. */
  name: wellFormed(z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'must not contain control characters')),
  /** Each implies the ones before it: `['write']` can read too. */
  scopes: z.array(z.enum(SCOPES)).min(1),
  /** Requests per minute for this key; absent or null: RATE_LIMIT_PER_MINUTE; 0: none. */
  rate_limit_per_minute: z.number().int().min(0).max(MAX_RATE_LIMIT_PER_MINUTE).nullable().optional(),
});

export const apiKeyInfo = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    rate_limit_per_minute: z.number().int().nullable(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const keysResponse = z.strictObject({ keys: z.array(apiKeyInfo) });

export const createdKeyResponse = z.strictObject({
  /** The whole key, `aff_<id>_<secret>`: shown this once, never stored. */
  key: z.string(),
  ...apiKeyInfo.shape,
});
