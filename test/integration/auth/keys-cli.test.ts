// `affinity keys create|list|revoke` as an operator runs them, on the database the API reads;
// the admin key of a first start (made once in a deployment's life) and AFFINITY_ADMIN_KEY.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository, ApiKeys, authMigrations, createAuth, generateApiKey } from '../../../shared/auth/index.ts';
import { loadConfig, type Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { createRedis } from '../../../shared/redis/index.ts';
import { openDatabase, type SqlDatabase } from '../../../shared/storage/index.ts';
import { runAffinity } from '../../support/affinity-process.ts';

describe('API keys: the CLI, the first start, AFFINITY_ADMIN_KEY', () => {
  const dirs: string[] = [];
  const dbs: SqlDatabase[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-keys-'));
    dirs.push(dir);
    return dir;
  };
  const config = (dir: string, env: Record<string, string> = {}): Config => loadConfig({}, { AFFINITY_DATA_DIR: dir, DB_SYNCHRONOUS: 'normal', ...env });
  const keysOf = async (dir: string) => {
    const db = openDatabase(config(dir));
    dbs.push(db);
    await db.migrate(authMigrations);
    return new ApiKeys(new ApiKeyRepository(db));
  };
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((db) => db.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key (shown once), lists keys without secrets, revokes by id', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const env = { AFFINITY_DATA_DIR: dir };
    const created = await runAffinity(['keys', 'create', '--name', 'shop front', '--scopes', 'write,read', '--rate-limit', '120', '--json'], env);
    expect(created.code, created.output).toBe(0);
    const made = created.json as { key: string; id: string; scopes: string[]; rate_limit_per_minute: number; revoked_at: null };
    expect(made).toMatchObject({ name: 'shop front', scopes: ['read', 'write'], rate_limit_per_minute: 120, revoked_at: null });
    expect(made.key).toMatch(new RegExp(`^aff_${made.id}_[\\w-]{43}$`));
    const secret = made.key.slice(`aff_${made.id}_`.length);
    expect(created.output.split(secret)).toHaveLength(2); // printed once, in the JSON line

    const listed = await runAffinity(['keys', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect((listed.json as { keys: Array<{ id: string }> }).keys.map((k) => k.id)).toEqual([made.id]);
    expect(listed.output).not.toContain(secret);
    const human = await runAffinity(['keys', 'list'], env);
    expect(human.output).toContain(made.id);
    expect(human.output).not.toContain(secret);

    // what the API checks: the key works until revoked
    expect(await (await keysOf(dir)).verify(made.key)).toMatchObject({ keyId: made.id, scopes: ['read', 'write'], rateLimit: 120 });
    const revoked = await runAffinity(['keys', 'revoke', made.id, '--json'], env);
    expect(revoked.code).toBe(0);
    expect((revoked.json as { revoked_at: string | null }).revoked_at).not.toBeNull();
    expect(await (await keysOf(dir)).verify(made.key)).toBeUndefined();

    const missing = await runAffinity(['keys', 'revoke', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('error API_KEY_NOT_FOUND');
    const bad = await runAffinity(['keys', 'create', '--name', 'x', '--scopes', 'root'], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('unknown: root');
    // the CLI takes no more than the API does
    const huge = await runAffinity(['keys', 'create', '--name', 'x', '--rate-limit', '99999999999999999999'], env);
    expect(huge.code).toBe(1);
    expect(huge.output).toContain('from 0 to 10000000');
  });

  it('refuses a key name with control characters, and lists one stored earlier escaped (no escape sequence reaches the terminal)', { timeout: 60_000 }, async () => {
    const dir = dataDir();
    const env = { AFFINITY_DATA_DIR: dir };
    const refused = await runAffinity(['keys', 'create', '--name', 'a\u0007\u001b[31mred', '--scopes', 'read'], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('must not contain control characters');
    await expect((await keysOf(dir)).create({ name: 'tab\there', scopes: ['read'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // as a key made before names were checked is stored
    const db = openDatabase(config(dir));
    dbs.push(db);
    await new ApiKeyRepository(db).insert({ id: 'old1', name: 'old\u001b[31mred', scopes: ['read'], secret_hash: 'x', rate_limit: null, created_at: Date.now() });
    const listed = await runAffinity(['keys', 'list'], env);
    expect(listed.output).toContain('old\\u001b[31mred');
    expect(listed.output).not.toContain('\u001b');
  });

  it('a first start with no key creates one admin key, once in a deployment\'s life', async () => {
    const dir = dataDir();
    const redis = createRedis('redis://127.0.0.1:1');
    const db = openDatabase(config(dir));
    dbs.push(db);
    const auth = createAuth(config(dir, { AUTH_ENABLED: 'true' }), { db, redis, log: createLogger({ level: 'silent' }) });
    const key = await auth.firstStartKey();
    expect(key).toMatch(/^aff_/);
    expect((await auth.keys.verify(key!))?.scopes).toEqual(['read', 'write', 'admin']);
    expect(await auth.firstStartKey()).toBeUndefined();
    // even once every key is revoked: the operator makes the next one with the CLI
    await auth.keys.revoke((await auth.keys.list())[0]!.id);
    expect(await auth.firstStartKey()).toBeUndefined();
    await auth.close();
    await redis.close();
  });

  it('no first-start key where the CLI made one, where AFFINITY_ADMIN_KEY is set, or with AUTH_ENABLED=false', async () => {
    const redis = createRedis('redis://127.0.0.1:1');
    const log = createLogger({ level: 'silent' });
    const withCliKey = dataDir();
    await (await keysOf(withCliKey)).create({ name: 'ops', scopes: ['admin'] });
    const cases: Array<[string, Record<string, string>]> = [
      [withCliKey, { AUTH_ENABLED: 'true' }],
      [dataDir(), { AUTH_ENABLED: 'true', AFFINITY_ADMIN_KEY: `aff_ops_${generateApiKey().secret}` }],
      [dataDir(), { AUTH_ENABLED: 'false' }],
    ];
    for (const [dir, env] of cases) {
      const db = openDatabase(config(dir));
      dbs.push(db);
      const auth = createAuth(config(dir, env), { db, redis, log });
      expect(await auth.firstStartKey(), JSON.stringify(env)).toBeUndefined();
      await auth.close();
    }
    await redis.close();
  });

  it('AFFINITY_ADMIN_KEY becomes an admin key; the same id with a new secret replaces the old one', async () => {
    const dir = dataDir();
    const redis = createRedis('redis://127.0.0.1:1');
    const log = createLogger({ level: 'silent' });
    const first = `aff_ops_${generateApiKey().secret}`;
    const second = `aff_ops_${generateApiKey().secret}`;
    for (const [key, works, fails] of [
      [first, first, second],
      [second, second, first],
    ] as const) {
      const db = openDatabase(config(dir));
      dbs.push(db);
      const auth = createAuth(config(dir, { AUTH_ENABLED: 'true', AFFINITY_ADMIN_KEY: key }), { db, redis, log });
      await auth.ready();
      expect((await auth.keys.verify(works))?.scopes).toEqual(['read', 'write', 'admin']);
      expect(await auth.keys.verify(fails)).toBeUndefined();
      expect((await auth.keys.list()).map((k) => [k.id, k.name])).toEqual([['ops', 'AFFINITY_ADMIN_KEY']]);
      await auth.close();
    }
    await redis.close();
  });
});
