import { LRUCache } from 'lru-cache';
import { appError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.ts';
import type { ApiKeyRecord, ApiKeyRepository } from './api-key.repository.ts';
import { parseScopes, SCOPES, type Scope } from './scopes.ts';

/** A key as shown to people and clients: everything but the secret and its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: Scope[];
  /** Requests per minute; null = the configured default (RATE_LIMIT_PER_MINUTE). */
  rate_limit_per_minute: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Who is calling: the key a request was authenticated with. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
  /** Requests per minute; null = the configured default. */
  rateLimit: number | null;
}

export interface NewApiKey {
  name: string;
  scopes: readonly Scope[];
  /** Requests per minute for this key; null or absent = the configured default; 0 = none. */
  rateLimit?: number | null;
}

export interface ApiKeysOptions {
  /**
   * How long a looked-up key is trusted without reading the database again: a key revoked by
   * another process (the CLI, another replica) stops working within this time; one revoked
   * through this object stops at once.
   * @defaultValue 10_000
   */
  cacheMs?: number;
  /** `last_used_at` is written at most this often per key (it is a hint, not an audit log). @defaultValue 60_000 */
  touchEveryMs?: number;
  log?: Logger;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toApiKeyInfo(r: ApiKeyRecord): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    rate_limit_per_minute: r.rate_limit,
    created_at: iso(r.created_at)!,
    last_used_at: iso(r.last_used_at),
    revoked_at: iso(r.revoked_at),
  };
}

/** C0 and C1 control characters (tabs, escapes, bells …). */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 100) throw appError('VALIDATION_FAILED', 'a key name must have 1 to 100 characters', { name });
  // a name is printed by `affinity keys list`: an escape sequence in it would drive the terminal
  if (CONTROL.test(n)) throw appError('VALIDATION_FAILED', 'a key name must not contain control characters', { name });
  return n;
}

/**
 * Creates, lists, revokes and verifies API keys. Only a hash of each secret is stored; the full
 * key exists once, in what `create` returns.
 * @example
 * const { key } = await keys.create({ name: 'shop front', scopes: ['read'] });
 * const who = await keys.verify(key); // { keyId, name, scopes: ['read'], rateLimit: null }
 */
export class ApiKeys {
  private readonly cache: LRUCache<string, ApiKeyRecord>;
  private readonly touched = new Map<string, number>();
  private readonly touchEveryMs: number;

  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly opts: ApiKeysOptions = {},
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: opts.cacheMs ?? 10_000 });
    this.touchEveryMs = opts.touchEveryMs ?? 60_000;
  }

  /** A new key; the returned `key` is the only time the secret is seen. */
  async create(input: NewApiKey, now = Date.now()): Promise<{ key: string; info: ApiKeyInfo }> {
    const name = checkName(input.name);
    const scopes = parseScopes(input.scopes);
    const rateLimit = input.rateLimit ?? null;
    if (rateLimit !== null && (!Number.isInteger(rateLimit) || rateLimit < 0)) throw appError('VALIDATION_FAILED', 'a rate limit is a whole number of requests per minute, 0 or more');
    const { id, secret, key } = generateApiKey();
    const record = { id, name, scopes, secret_hash: hashSecret(secret), rate_limit: rateLimit, created_at: now };
    await this.repo.insert(record);
    return { key, info: toApiKeyInfo({ ...record, last_used_at: null, revoked_at: null }) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.repo.list()).map(toApiKeyInfo);
  }

  /** Revokes a key (again: no change); 404 API_KEY_NOT_FOUND when there is none. */
  async revoke(id: string, now = Date.now()): Promise<ApiKeyInfo> {
    await this.repo.revoke(id, now);
    this.cache.delete(id);
    const record = await this.repo.get(id);
    if (!record) throw appError('API_KEY_NOT_FOUND', `no API key with id "${id}"`, { id });
    return toApiKeyInfo(record);
  }

  /** The caller a presented key stands for; undefined when it is malformed, unknown, wrong or revoked. */
  async verify(presented: string, now = Date.now()): Promise<Principal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    let record = this.cache.get(parsed.id);
    if (!record) {
      record = await this.repo.get(parsed.id);
      if (!record) return undefined;
      this.cache.set(parsed.id, record);
    }
    if (record.revoked_at !== null || !secretMatches(parsed.secret, record.secret_hash)) return undefined;
    this.touch(record.id, now);
    return { keyId: record.id, name: record.name, scopes: record.scopes, rateLimit: record.rate_limit };
  }

  /**
   * Makes a key given from outside (AFFINITY_ADMIN_KEY) an admin key: created when its id is
   * new, its secret replaced (and the key in force again) when the same id comes with another
   * secret; left as it is otherwise, revoked or not.
   */
  async provision(key: string, name: string, now = Date.now()): Promise<'created' | 'replaced' | 'unchanged'> {
    const parsed = parseApiKey(key);
    if (!parsed) throw appError('CONFIG_INVALID', `${name} is not an API key (aff_<id>_<secret>)`);
    const existing = await this.repo.get(parsed.id);
    if (!existing) {
      await this.repo.insert({ id: parsed.id, name, scopes: [...SCOPES], secret_hash: hashSecret(parsed.secret), rate_limit: null, created_at: now });
      return 'created';
    }
    if (secretMatches(parsed.secret, existing.secret_hash)) return 'unchanged';
    await this.repo.replaceSecret(parsed.id, hashSecret(parsed.secret), [...SCOPES]);
    this.cache.delete(parsed.id);
    return 'replaced';
  }

  /**
   * On a deployment that has never had a key, creates an admin key and returns it; undefined
   * once any key exists (revoked ones count), so it happens once in a deployment's life.
   */
  async createFirstAdminKey(now = Date.now()): Promise<{ key: string; id: string } | undefined> {
    const { id, secret, key } = generateApiKey();
    const created = await this.repo.insertFirst({ id, name: 'admin (created at first start)', scopes: [...SCOPES], secret_hash: hashSecret(secret), rate_limit: null, created_at: now });
    return created ? { key, id } : undefined;
  }

  /** Records the last use, at most once per `touchEveryMs` per key, in the background. */
  private touch(id: string, now: number): void {
    if (now - (this.touched.get(id) ?? 0) < this.touchEveryMs) return;
    this.touched.set(id, now);
    this.repo.touch(id, now).catch((err: unknown) => this.opts.log?.warn({ err, key_id: id }, 'could not record when an API key was last used'));
  }
}
