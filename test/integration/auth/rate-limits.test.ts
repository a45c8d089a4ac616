// Per-key rate limits (429 RATE_LIMITED with Retry-After), counted in Redis so that every API
// process shares them, counted in the process when Redis is unreachable (requests never fail
// for it); and CORS.
import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { createAuth, generateApiKey } from '../../../shared/auth/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createApp } from '../../../shared/http/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { createRedis } from '../../../shared/redis/index.ts';
import { openDatabase } from '../../../shared/storage/index.ts';
import { deleteKeysUnder, freePort, keysUnder, startRedisServer, testRedis, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';

describe('rate limits and CORS', () => {
  const log = createLogger({ level: 'silent' });
  let redis: TestRedis;
  const opened: Array<{ api: Api; config: Config }> = [];
  const admin = `aff_ops_${generateApiKey().secret}`;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  /** A composed API (not started: the routes used here need only the keys table) with keys on. */
  async function apiWith(overrides: Partial<Record<keyof Config, string>> = {}): Promise<Api> {
    const config = testConfig({ REDIS_URL: redis.url, AUTH_ENABLED: 'true', AFFINITY_ADMIN_KEY: admin, RATE_LIMIT_PER_MINUTE: '3', ...overrides });
    const api = composeApi(config, log, { defaultMetrics: false });
    opened.push({ api, config });
    await api.redis.connect();
    await api.auth.ready();
    return api;
  }

  beforeAll(async () => {
    redis = await testRedis();
  });
  afterEach(async () => {
    for (const { api, config } of opened.splice(0)) {
      await api.close();
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('answers 429 RATE_LIMITED with Retry-After past a key\'s limit; other keys are counted apart', async () => {
    const api = await apiWith();
    const other = (await api.auth.keys.create({ name: 'other', scopes: ['admin'] })).key;
    for (let i = 0; i < 3; i++) {
      const ok = await request(api.app).get('/v1/admin/keys').set(bearer(admin));
      expect(ok.status).toBe(200);
      expect(ok.headers.ratelimit).toMatch(new RegExp(`limit=3, remaining=${2 - i}, reset=\\d+`));
    }
    const limited = await request(api.app).get('/v1/admin/keys').set(bearer(admin));
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.details).toEqual({ limit_per_minute: 3, retry_after_s: retryAfter });
    // a refused request counts too, so a key over its limit cannot probe other routes
    expect((await request(api.app).get('/v1/search?q=x').set(bearer(admin))).status).toBe(429);
    expect((await request(api.app).get('/v1/admin/keys').set(bearer(other))).status).toBe(200);
    // counted in Redis, under this deployment's prefix
    const config = opened[0]!.config;
    expect((await keysUnder(redis.url, `${config.REDIS_PREFIX}:ratelimit:`)).sort()).toEqual([`${config.REDIS_PREFIX}:ratelimit:key:${admin.split('_')[1]}`, expect.stringContaining(':ratelimit:key:')].sort());
  });

  it('a key\'s own limit overrides the default; 0 means none', async () => {
    const api = await apiWith();
    const one = (await api.auth.keys.create({ name: 'one a minute', scopes: ['admin'], rateLimit: 1 })).key;
    const unlimited = (await api.auth.keys.create({ name: 'batch importer', scopes: ['admin'], rateLimit: 0 })).key;
    expect((await request(api.app).get('/v1/admin/keys').set(bearer(one))).status).toBe(200);
    expect((await request(api.app).get('/v1/admin/keys').set(bearer(one))).status).toBe(429);
    for (let i = 0; i < 10; i++) expect((await request(api.app).get('/v1/admin/keys').set(bearer(unlimited))).status).toBe(200);
  });

  it('without a valid key, the client address is counted: open routes and key guessing alike; health probes never', async () => {
    const api = await apiWith();
    for (let i = 0; i < 2; i++) expect((await request(api.app).get('/openapi.json')).status).toBe(200);
    expect((await request(api.app).get('/v1/items/x').set(bearer(generateApiKey().key))).status).toBe(401);
    const limited = await request(api.app).get('/v1/items/x').set(bearer(generateApiKey().key));
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect((await request(api.app).get('/openapi.json')).status).toBe(429);
    for (let i = 0; i < 10; i++) expect((await request(api.app).get('/healthz')).status).toBe(200);
    // a valid key has its own budget
    expect((await request(api.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(200);
  });

  it('is shared by every API process through Redis', async () => {
    const a = await apiWith();
    const b = await apiWith({ REDIS_PREFIX: opened[0]!.config.REDIS_PREFIX });
    expect((await request(a.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(200);
    expect((await request(b.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(200);
    expect((await request(a.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(200);
    expect((await request(b.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(429);
    expect((await request(a.app).get('/v1/admin/keys').set(bearer(admin))).status).toBe(429);
  });

  /**
   * The access layer alone in an app, on its own Redis client: with a Redis that is or goes
   * away, a composed API's BullMQ queues would add noise of their own.
   */
  async function accessOnly(redisUrl: string, perMinute: number) {
    const config = testConfig({ REDIS_URL: redisUrl, AUTH_ENABLED: 'true', AFFINITY_ADMIN_KEY: admin, RATE_LIMIT_PER_MINUTE: String(perMinute) });
    const client = createRedis(config.REDIS_URL, { keyPrefix: `${config.REDIS_PREFIX}:` });
    const db = openDatabase(config);
    const auth = createAuth(config, { db, redis: client, log });
    const app = createApp({ log, metrics: new MetricsRegistry({ defaultMetrics: false }), bodyLimit: '1kb', routers: [auth.routes], access: auth.access });
    return {
      app,
      client,
      call: async () => (await request(app).get('/v1/admin/keys').set(bearer(admin))).status,
      async close() {
        await auth.close();
        await client.close();
        await db.close();
        rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
      },
    };
  }

  it('with Redis unreachable, requests are served and still limited, per process', async () => {
    const a = await accessOnly('redis://127.0.0.1:1', 3);
    try {
      expect(await a.client.connect()).toBe(false);
      expect([await a.call(), await a.call(), await a.call(), await a.call()]).toEqual([200, 200, 200, 429]);
    } finally {
      await a.close();
    }
  });

  it('with Redis gone mid-way, goes on counting in the process without failing a request', async () => {
    const own = await startRedisServer(await freePort());
    const a = await accessOnly(own.url, 5);
    try {
      expect(await a.client.connect()).toBe(true);
      expect(await a.call()).toBe(200);
      await own.stop();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await a.call());
      // the process had seen none of them: five served, then limited
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await a.close();
      await own.stop();
    }
  });

  it('CORS: headers for an allowed origin, none for another; preflights need no key; errors are readable', async () => {
    const api = await apiWith({ CORS_ORIGINS: 'https://shop.example' });
    const allowed = await request(api.app).get('/v1/admin/keys').set('origin', 'https://shop.example').set(bearer(admin));
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(allowed.headers['access-control-expose-headers']).toContain('retry-after');
    const other = await request(api.app).get('/v1/admin/keys').set('origin', 'https://evil.example').set(bearer(admin));
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(api.app).options('/v1/items').set('origin', 'https://shop.example').set('access-control-request-method', 'PUT').set('access-control-request-headers', 'authorization, content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
    const refused = await request(api.app).get('/v1/items/x').set('origin', 'https://shop.example');
    expect([refused.status, refused.headers['access-control-allow-origin']]).toEqual([401, 'https://shop.example']);

    const any = await apiWith({ CORS_ORIGINS: '*' });
    expect((await request(any.app).get('/healthz').set('origin', 'https://anywhere.example')).headers['access-control-allow-origin']).toBe('*');
    const none = await apiWith();
    expect((await request(none.app).get('/healthz').set('origin', 'https://shop.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});
