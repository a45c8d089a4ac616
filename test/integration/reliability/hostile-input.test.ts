// Property-based tests (fast-check) against every operation of /openapi.json with random and
// hostile input: wrong types, huge and negative numbers, huge k, deep nesting, `__proto__`
// keys, invalid UTF-8, 10 MB bodies, unknown ids, path traversal in ids and model names.
// Whatever arrives: never a 5xx, the process keeps answering, and a rejected request changes
// nothing (the database, the registry and the Redis keys are fingerprinted around it).
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { trainFromCatalog } from '../../../services/recommend/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, keysUnder, testRedis, type TestRedis } from '../../support/redis.ts';
import { seedShop } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';
import { KB_ENTRIES } from '../chat/chat-fixtures.ts';
import { trainFixtureModel } from '../chat/chat-test-api.ts';

interface Operation {
  method: string;
  path: string;
  operationId: string;
  hasBody: boolean;
  params: string[];
  query: string[];
}

/** Strings an attacker (or a broken client) sends. */
const hostileString = fc.oneof(
  fc.constantFrom('../../etc/passwd', '..%2F..%2Fetc', '/etc/shadow', '__proto__', 'constructor', 'prototype', '%00', '\u0000', 'NaN', '-1', '1e309', '99999999999999999999', '', ' ', '\u202e', '😀'.repeat(50), "' OR 1=1 --", '<script>alert(1)</script>', 'a'.repeat(5000)),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const hostileNumber = fc.oneof(fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 1e12, 0.5, Number.MAX_SAFE_INTEGER), fc.double(), fc.integer());

/** JSON values of any shape, with hostile leaves, `__proto__` keys and depth. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'items', 'events', 'input', 'text', 'k', 'version', 'session_id')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A body of the right outer shape (an object with plausible keys) but hostile contents. */
const plausibleBody = fc.dictionary(fc.constantFrom('items', 'events', 'input', 'text', 'k', 'version', 'session_id', 'user_id', 'entries', 'tune', 'seed', 'itemIds', 'intent', 'message_index', 'model', 'dimensions', 'encoding_format'), hostileJson, { maxKeys: 4 });

function deepNesting(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('hostile input against every endpoint', () => {
  const log = createLogger({ level: 'silent' });
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let operations: Operation[];

  /** Everything a request could change: every table's rows, the registry, the Redis keys. */
  async function fingerprint(): Promise<string> {
    const h = createHash('sha256');
    const tables = await api.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    for (const { name } of tables) {
      h.update(name);
      for (const row of await api.db.all(`SELECT * FROM "${name}" ORDER BY rowid`)) h.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    }
    const registry = path.join(config.AFFINITY_DATA_DIR, 'registry');
    h.update(JSON.stringify(readdirSync(registry, { recursive: true }).map(String).sort()));
    // queued jobs and sessions are Redis keys; rate-limit counters change with every request by design
    h.update(JSON.stringify((await keysUnder(redis.url, `${config.REDIS_PREFIX}:`)).filter((k) => !k.includes(':ratelimit:')).sort()));
    return h.digest('hex');
  }

  function concretePath(op: Operation, value: (name: string) => string): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
  }

  /** Sends, checks the answer is not a 5xx, and that a rejection changed nothing. */
  async function probe(op: Operation, send: (r: request.Test) => request.Test, urlPath: string): Promise<number> {
    const before = await fingerprint();
    const res = await send(request(api.app)[op.method as 'get'](urlPath));
    expect(res.status, `${op.method.toUpperCase()} ${urlPath} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.body?.error?.code, `${op.operationId}: ${res.status} without an error code`).toMatch(/^[A-Z_]+$/);
      expect(await fingerprint(), `${op.operationId}: a rejected request (${res.status} ${res.body.error.code}) changed state`).toBe(before);
    }
    return res.status;
  }

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, HTTP_BODY_LIMIT: '1mb', AUTH_ENABLED: 'false' });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    await seedShop(api.app);
    await request(api.app).put('/v1/kb/entries').send({ entries: KB_ENTRIES });
    await trainFromCatalog(api.recommend.repository, api.recommend.registry, { tune: false });
    await api.recommend.reloadModel();
    await trainFixtureModel(api, 'intents');
    await trainFixtureModel(api, 'sentiment');
    const doc = (await request(api.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; parameters?: { name: string; in: string }[] }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method,
        path: p,
        operationId: op.operationId,
        hasBody: op.requestBody !== undefined,
        params: (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name),
        query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
      })),
    );
  });
  afterAll(async () => {
    await api?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    await redis?.stop();
  });

  it('covers every documented operation', () => {
    expect(operations.length).toBeGreaterThan(25);
  });

  it('random and hostile path parameters, query strings and bodies: never a 5xx, rejections change nothing', { timeout: 600_000 }, async () => {
    const statuses: Record<string, number> = {};
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ param: hostileString, query: fc.dictionary(fc.constantFrom(...op.query, 'k', 'q', 'limit', '__proto__'), fc.oneof(hostileString, hostileNumber.map(String)), { maxKeys: 4 }), body: fc.oneof(hostileJson, plausibleBody) }),
          async ({ param, query, body }) => {
            const url = concretePath(op, () => param);
            const status = await probe(op, (r) => (op.hasBody || op.method !== 'get' ? r.query(query).set('content-type', 'application/json').send(JSON.stringify(body)) : r.query(query)), url);
            statuses[status] = (statuses[status] ?? 0) + 1;
          },
        ),
        { numRuns: 12, seed: 42 },
      );
    }
    expect(Object.keys(statuses).some((s) => s.startsWith('4'))).toBe(true);
    expect((await request(api.app).get('/healthz')).status).toBe(200);
  });

  it('bodies no parser should choke on: invalid UTF-8, deep nesting, __proto__, 10 MB, wrong media types', { timeout: 300_000 }, async () => {
    const withBody = operations.filter((op) => op.hasBody);
    expect(withBody.length).toBeGreaterThan(5);
    const bad: Array<[string, (r: request.Test) => request.Test]> = [
      ['invalid UTF-8', (r) => r.set('content-type', 'application/json').send(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]))],
      ['deep nesting', (r) => r.set('content-type', 'application/json').send(deepNesting(5000))],
      ['__proto__ pollution', (r) => r.set('content-type', 'application/json').send('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')],
      ['10 MB', (r) => r.set('content-type', 'application/json').send(`{"input":"${'x'.repeat(10 * 1024 * 1024)}"}`)],
      ['truncated JSON', (r) => r.set('content-type', 'application/json').send('{"items":[{"id":')],
      ['text/plain', (r) => r.set('content-type', 'text/plain').send('hello')],
      ['JSON scalar', (r) => r.set('content-type', 'application/json').send('12345')],
      ['gzip that does not inflate', (r) => r.set('content-type', 'application/json').set('content-encoding', 'gzip').send('{"not":"gzip"}')],
    ];
    for (const op of withBody) {
      const url = concretePath(op, () => 'x');
      for (const [, send] of bad) {
        const status = await probe(op, send, url);
        expect(status, op.operationId).toBeGreaterThanOrEqual(400);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await request(api.app).get('/healthz')).status).toBe(200);
  });

  it('bytes that are not UTF-8 in a JSON body: 400 INVALID_JSON over real HTTP, nothing stored (UTF-16 with its charset still works)', async () => {
    const server = api.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const send = (route: string, method: string, body: Buffer, type = 'application/json') =>
        fetch(`${base}${route}`, { method, headers: { 'content-type': type }, body: new Uint8Array(body) });
      const before = await fingerprint();
      const bad = await send('/v1/items', 'PUT', Buffer.concat([Buffer.from('{"items":[{"id":"not-utf8-'), Buffer.from([0xff, 0xfe]), Buffer.from('","title":"x"}]}')]));
      expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_JSON']);
      expect(await fingerprint()).toBe(before);
      // UTF-16 with its charset is read as such (a route that stores nothing, so no later test sees a change)
      const utf16 = await send('/v1/embeddings', 'POST', Buffer.from('{"input":"Café"}', 'utf16le'), 'application/json; charset=utf-16le');
      const plain = await send('/v1/embeddings', 'POST', Buffer.from('{"input":"Café"}'));
      expect([utf16.status, plain.status]).toEqual([200, 200]);
      const vector = async (r: Response) => ((await r.json()) as { data: Array<{ embedding: number[] }> }).data[0]!.embedding;
      expect(await vector(utf16)).toEqual(await vector(plain));
    } finally {
      server.close();
    }
  });

  it('path traversal and unknown ids in every path parameter: a clean 4xx, nothing touched', { timeout: 300_000 }, async () => {
    const withParams = operations.filter((op) => op.params.length > 0);
    for (const op of withParams) {
      for (const evil of ['../../../../etc/passwd', '..', '.', '%2e%2e%2f', 'v20990101T000000000-abcdef', 'no-such-thing', 'A'.repeat(10_000)]) {
        const status = await probe(op, (r) => (op.hasBody ? r.send({}) : r), concretePath(op, () => evil));
        // any string is a valid user id (an unknown user gets popular items); every other id names something that must exist
        if (!op.path.startsWith('/v1/users/')) expect(status, `${op.operationId} with ${evil.slice(0, 30)}`).toBeGreaterThanOrEqual(400);
      }
      // sent as they are, not encoded: a path segment that is not valid percent-encoding
      for (const raw of ['%ZZ', '50%', '%ED%A0%80', '%C0%AF']) {
        const res = await request(api.app)[op.method as 'get'](op.path.replace(/\{(\w+)\}/g, raw));
        expect(res.status, `${op.operationId} with ${raw}: ${res.text.slice(0, 200)}`).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    }
  });
});
