// API keys and scopes on the composed API: every operation of /openapi.json is called without
// a key, with a key one scope short, and with the scope it documents; invalid and revoked keys;
// Bull Board in a browser; and not one key in the request logs of all that.
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request, { type Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { generateApiKey, SCOPES, type Scope } from '../../../shared/auth/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { deleteKeysUnder, testRedis, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';
import { ResponseChecker, type Document } from '../openapi/response-checker.ts';

interface Operation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
}

describe('API keys and scopes on every route', () => {
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let doc: Document & { paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };
  let checker: ResponseChecker;
  const logged: string[] = [];
  const admin = generateApiKey().key.replace(/^aff_\w+?_/, 'aff_ops_');
  const keys: Record<Scope, string> = { read: '', write: '', admin };
  const secrets = () => [...Object.values(keys), ...extraKeys].map((k) => k.split('_').slice(2).join('_'));
  const extraKeys: string[] = [];
  const app = () => api.app;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({ REDIS_URL: redis.url, AUTH_ENABLED: 'true', AFFINITY_ADMIN_KEY: admin, RATE_LIMIT_PER_MINUTE: '0' });
    // every line the app logs, at the most verbose level, into memory
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => done(void logged.push(chunk.toString('utf8'))) });
    api = composeApi(config, pino({ level: 'trace' }, sink), { defaultMetrics: false });
    await api.redis.connect();
    await api.auth.ready();
    keys.read = (await api.auth.keys.create({ name: 'shop front', scopes: ['read'] })).key;
    keys.write = (await api.auth.keys.create({ name: 'importer', scopes: ['write'] })).key;
    const res = await request(app()).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    checker = new ResponseChecker(doc);
  });
  afterAll(async () => {
    await api?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    await redis?.stop();
  });

  /** Every operation with the scope its `security` names (`public`: none). */
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => {
        const needs = op.security?.length ? op.security[0]!.apiKey![0] : 'public';
        return { method, path, op, needs: needs as Scope | 'public', url: path.replace(/\{\w+\}/g, 'x1') };
      }),
    );
  const send = (method: string, url: string, headers: Record<string, string> = {}): Test =>
    (request(app()) as unknown as Record<string, (u: string) => Test>)[method]!(url).set(headers);

  it('documents a bearer scheme and, per operation, the scope it needs', () => {
    expect(doc.components?.securitySchemes?.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const byId = Object.fromEntries(operations().map((o) => [o.op.operationId, o.needs]));
    expect(byId).toMatchObject({
      getHealth: 'public',
      getReadiness: 'public',
      getOpenApiDocument: 'public',
      getApiDocsPage: 'public',
      getDashboard: 'public',
      getMetrics: 'read',
      createEmbedding: 'read',
      searchItems: 'read',
      recommendForUser: 'read',
      classifyIntent: 'read',
      sendChatMessage: 'read',
      upsertItems: 'write',
      postEvents: 'write',
      deleteKbEntry: 'write',
      postChatFeedback: 'write',
      listModels: 'admin',
      runNightly: 'admin',
      listApiKeys: 'admin',
      revokeApiKey: 'admin',
      // a user's data: erasure and export are admin operations, though under /v1/users
      eraseUser: 'admin',
      exportUser: 'admin',
      runPurgeRetention: 'admin',
    });
    for (const o of operations()) {
      expect(['public', ...SCOPES], o.op.operationId).toContain(o.needs);
      if (o.needs !== 'public') expect(Object.keys(o.op.responses), o.op.operationId).toEqual(expect.arrayContaining(['401', ...(o.needs === 'read' ? [] : ['403'])]));
    }
  });

  it('every operation: 401 without a key, 403 one scope short, neither with its own scope', async () => {
    const short: Record<Scope, Scope | undefined> = { read: undefined, write: 'read', admin: 'write' };
    for (const { method, url, op, needs } of operations()) {
      const anonymous = await send(method, url);
      if (needs === 'public') {
        expect(anonymous.status, `${method} ${url}`).not.toBe(401);
        continue;
      }
      checker.check(op.operationId, anonymous);
      expect([anonymous.status, anonymous.body.error.code], `${method} ${url}`).toEqual([401, 'AUTH_REQUIRED']);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="affinity"');
      const lesser = short[needs];
      if (lesser) {
        const refused = checker.check(op.operationId, await send(method, url, bearer(keys[lesser])));
        expect([refused.status, refused.body.error.code, refused.body.error.details], `${method} ${url}`).toEqual([403, 'AUTH_FORBIDDEN', { required: needs, granted: [lesser] }]);
      }
      const allowed = await send(method, url, bearer(keys[needs]));
      expect([401, 403], `${method} ${url} with a ${needs} key: ${allowed.text.slice(0, 200)}`).not.toContain(allowed.status);
    }
  });

  it('a stronger key may do what a weaker one may (admin ⊃ write ⊃ read)', async () => {
    for (const key of [keys.read, keys.write, keys.admin]) expect((await request(app()).get('/v1/items/nope').set(bearer(key))).status).not.toBe(403);
    expect((await request(app()).put('/v1/items').set(bearer(keys.admin)).send({ items: [] })).status).toBe(400);
    expect((await request(app()).get('/v1/admin/keys').set(bearer(keys.write))).status).toBe(403);
    expect((await request(app()).get('/v1/admin/keys').set(bearer(keys.admin))).status).toBe(200);
  });

  it('refuses a malformed, unknown, mistyped or revoked key with 401 AUTH_INVALID_KEY', async () => {
    const created = await request(app()).post('/v1/admin/keys').set(bearer(keys.admin)).send({ name: 'short-lived', scopes: ['read'] });
    expect(created.status).toBe(201);
    const escaped = await request(app()).post('/v1/admin/keys').set(bearer(keys.admin)).send({ name: 'a\u001b[31mred', scopes: ['read'] });
    expect([escaped.status, escaped.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const temp = created.body.key as string;
    extraKeys.push(temp);
    expect((await request(app()).get('/v1/search?q=x').set(bearer(temp))).status).not.toBe(401);
    expect((await request(app()).delete(`/v1/admin/keys/${created.body.id}`).set(bearer(keys.admin))).status).toBe(200);
    const unknown = generateApiKey().key;
    const mistyped = `${keys.read.slice(0, -1)}${keys.read.endsWith('A') ? 'B' : 'A'}`;
    for (const header of [`Bearer ${temp}`, `Bearer ${unknown}`, `Bearer ${mistyped}`, 'Bearer not-a-key', 'Token abc', 'Bearer', `Bearer ${keys.read} junk`]) {
      const res = checker.check('searchItems', await request(app()).get('/v1/search?q=x').set('authorization', header));
      expect([res.status, res.body.error.code], header).toEqual([401, 'AUTH_INVALID_KEY']);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="affinity", error="invalid_token"');
    }
  });

  it('OPTIONS needs a key like any other method: the routes a path takes are not told to strangers', async () => {
    for (const [url, needs] of [['/v1/admin/keys', 'admin'], ['/v1/users/u1', 'admin'], ['/v1/items', 'read']] as const) {
      const anonymous = await request(app()).options(url);
      expect([anonymous.status, anonymous.body.error?.code], url).toEqual([401, 'AUTH_REQUIRED']);
      expect(anonymous.headers.allow, url).toBeUndefined();
      const allowed = await request(app()).options(url).set(bearer(keys[needs]));
      expect(allowed.status, url).toBe(200);
      expect(allowed.headers.allow, url).toBeTruthy();
    }
    expect((await request(app()).options('/v1/admin/keys').set(bearer(keys.write))).status).toBe(403);
  });

  it('open routes ignore keys, good or bad; unknown routes answer 401 before 404', async () => {
    expect((await request(app()).get('/healthz').set('authorization', 'Bearer nonsense')).status).toBe(200);
    // a file name that is a property of every object is no file of the dashboard
    for (const name of ['constructor', '__proto__', 'toString']) expect((await request(app()).get(`/dashboard/${name}`).set(bearer(keys.read))).status, name).toBe(404);
    expect((await request(app()).get('/nowhere')).status).toBe(401);
    expect((await request(app()).get('/nowhere').set(bearer(keys.read))).body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('Bull Board: a browser is asked for the key (Basic, any user name), and only an admin key opens it', async () => {
    const page = await request(app()).get('/admin/queues').set('accept', 'text/html,application/xhtml+xml');
    expect(page.status).toBe(401);
    expect(page.headers['www-authenticate']).toEqual(expect.stringContaining('Basic realm="affinity"'));
    const basic = (key: string) => `Basic ${Buffer.from(`ops:${key}`).toString('base64')}`;
    expect((await request(app()).get('/admin/queues').set('authorization', basic(keys.write))).status).toBe(403);
    const opened = await request(app()).get('/admin/queues').set('authorization', basic(keys.admin));
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('<html');
    // a script's fetch (Accept */*) is not offered Basic: no browser dialog over the dashboard
    expect((await request(app()).get('/v1/admin/models')).headers['www-authenticate']).toBe('Bearer realm="affinity"');
  });

  it('the key management routes never show a secret again, and nothing logged holds one', async () => {
    const listed = await request(app()).get('/v1/admin/keys').set(bearer(keys.admin));
    for (const s of secrets()) expect(listed.text).not.toContain(s);
    const log = logged.join('');
    // the requests are there (so the check below means something), their keys are not
    expect(log).toContain('"url":"/v1/admin/keys"');
    expect(log.split('\n').length).toBeGreaterThan(100);
    for (const s of secrets()) expect(log).not.toContain(s);
    expect(log.toLowerCase()).not.toContain('bearer');
  });
});
