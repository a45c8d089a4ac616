import { rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request, { type Response, type Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFolderLock } from '../../../shared/fs/folder-lock.ts';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { parseApiKey } from '../../../shared/auth/index.ts';
import { RECOMMEND_KIND, trainFromCatalog } from '../../../services/recommend/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createApp, openApiPath } from '../../../shared/http/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { JOB_NAMES } from '../../../shared/queues/index.ts';
import { servedRoutes } from '../../support/express-routes.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, freePort, testRedis, until, type TestRedis } from '../../support/redis.ts';
import { SHOP_EVENTS, SHOP_ITEMS } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';
import { KB_ENTRIES } from '../chat/chat-fixtures.ts';
import { trainFixtureModel } from '../chat/chat-test-api.ts';
import { ResponseChecker, type Document } from './response-checker.ts';

// Every operation of /openapi.json called for real, in process, against a composed API (real
// Redis, SQLite, the tiny encoder, a trained recommender and the chat fixtures' models): each
// answer's status must be documented for its operation and its body must match the documented
// schema. Each operation is seen succeeding and failing, and the document lists exactly the
// routes the express app serves.

/** Operations that can only fail on a bug (500 INTERNAL): no request makes them fail. */
const NO_ERROR_CASE = new Set(['getHealth', 'getMetrics', 'getOpenApiDocument', 'getApiDocsPage', 'getDashboard', 'listApiKeys', 'listModels']);

describe('the OpenAPI document against real answers of every route', () => {
  const log = createLogger({ level: 'silent' });
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let doc: Document;
  let checker: ResponseChecker;
  const app = () => api.app;

  /** Sends, expects `status`, and checks the answer against `operationId`'s documentation. */
  async function expectAnswer(operationId: string, status: number, req: Test): Promise<Response> {
    const res = await req;
    expect(res.status, `${operationId}: ${res.text.slice(0, 400)}`).toBe(status);
    return checker.check(operationId, res);
  }
  /** Same, for an error: also checks its code. */
  async function expectError(operationId: string, status: number, code: string, req: Test): Promise<Response> {
    const res = await expectAnswer(operationId, status, req);
    expect(res.body.error.code).toBe(code);
    return res;
  }

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({
      EMBED_MODEL: testModelDir('tiny'),
      REDIS_URL: redis.url,
      DENSE_WEIGHT: '1',
      HTTP_BODY_LIMIT: '256kb',
      CHAT_RECOMMEND_INTENTS: 'ask_suggestions',
      CHAT_TEMPLATE_VALUES: JSON.stringify({ 'Website Name': 'shop.example' }),
    });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    const res = await request(app()).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
    checker = new ResponseChecker(doc);
    checker.check('getOpenApiDocument', res);
    await trainFixtureModel(api, 'intents');
    await trainFixtureModel(api, 'sentiment');
  });
  afterAll(async () => {
    await api?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    await redis?.stop();
  });

  it('is OpenAPI 3.1 whose every response schema compiles (ajv, 2020-12, strict), listing exactly the routes the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(checker.compileAll()).toBeGreaterThan(100);
    const documented = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths)) for (const method of Object.keys(item)) documented.add(`${method} ${p}`);
    for (const u of doc['x-undocumented'] ?? []) documented.add(`${u.method} ${u.path}`);
    const served = new Set(servedRoutes(app()).map((r) => `${r.method} ${openApiPath(r.path)}`));
    expect([...served].filter((r) => !documented.has(r)), 'served but not in the document').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), 'in the document but not served').toEqual([]);
    // the three services, the admin routes and the probes are all there
    for (const p of ['/v1/embeddings', '/v1/items/{id}', '/v1/users/{id}/recommendations', '/v1/search', '/v1/kb/search', '/v1/chat/sessions/{id}/messages', '/v1/classify/intent', '/v1/admin/models/{kind}/promote', '/v1/admin/jobs/{id}', '/healthz', '/readyz', '/metrics']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });

  it('probes, metrics, the document and the HTML pages', async () => {
    await expectAnswer('getHealth', 200, request(app()).get('/healthz'));
    await expectAnswer('getReadiness', 200, request(app()).get('/readyz'));
    await expectAnswer('getMetrics', 200, request(app()).get('/metrics'));
    const page = await expectAnswer('getApiDocsPage', 200, request(app()).get('/docs/'));
    expect(page.text).toContain('swagger-ui-bundle.js');
    // every file the page loads is served, and nothing else of the package folder it comes from
    const assets = [...page.text.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js']));
    for (const asset of assets) {
      expect((await request(app()).get(`/docs/${asset}`)).status, asset).toBe(200);
    }
    for (const other of ['package.json', 'README.md', 'LICENSE', 'absolute-path.js/../package.json']) {
      const res = await request(app()).get(`/docs/${other}`);
      expect([res.status, res.body.error?.code], other).toEqual([404, 'ROUTE_NOT_FOUND']);
    }
    expect((await expectAnswer('getApiDocsPage', 301, request(app()).get('/docs'))).headers.location).toBe('./docs/');
    const dashboard = await expectAnswer('getDashboard', 200, request(app()).get('/dashboard'));
    // over plain HTTP the pages must not ask the browser to fetch their own scripts over HTTPS
    // (blank pages on any host but localhost); behind a TLS proxy they do
    expect(dashboard.headers['content-security-policy']).toContain("default-src 'self'");
    expect(dashboard.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const proxied = await request(app()).get('/dashboard').set('x-forwarded-proto', 'https');
    expect(proxied.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    // a process whose parts are not ready yet
    const starting = createApp({ log, metrics: new MetricsRegistry({ defaultMetrics: false }), bodyLimit: '1kb', routers: [], readiness: [{ name: 'embed', check: () => false }] });
    expect((await expectAnswer('getReadiness', 503, request(starting).get('/readyz'))).body).toEqual({ status: 'not_ready', checks: { embed: false } });
  });

  it('embeddings', async () => {
    const model = api.embedding.service.info!.id;
    await expectAnswer('createEmbedding', 200, request(app()).post('/v1/embeddings').send({ input: 'hello world' }));
    await expectAnswer('createEmbedding', 200, request(app()).post('/v1/embeddings').send({ input: ['a b', 'c d'], model, encoding_format: 'base64' }));
    await expectError('createEmbedding', 400, 'EMBED_INPUT_EMPTY', request(app()).post('/v1/embeddings').send({ input: [] }));
    await expectError('createEmbedding', 400, 'EMBED_MODEL_UNKNOWN', request(app()).post('/v1/embeddings').send({ input: 'x', model: 'nope' }));
    await expectError('createEmbedding', 400, 'EMBED_DIMENSIONS_UNSUPPORTED', request(app()).post('/v1/embeddings').send({ input: 'x', dimensions: 7 }));
    await expectError('createEmbedding', 400, 'VALIDATION_FAILED', request(app()).post('/v1/embeddings').send({ input: 5 }));
    await expectError('createEmbedding', 400, 'INVALID_JSON', request(app()).post('/v1/embeddings').set('content-type', 'application/json').send('{"input":'));
    await expectError('createEmbedding', 415, 'UNSUPPORTED_MEDIA_TYPE', request(app()).post('/v1/embeddings').set('content-type', 'text/plain').send('hello'));
    await expectError('createEmbedding', 413, 'PAYLOAD_TOO_LARGE', request(app()).post('/v1/embeddings').send({ input: 'x'.repeat(300_000) }));
  });

  it('catalog, recommendations, similar items and search', async () => {
    const giftCard = { id: 'gift-card', title: 'Gift card', description: 'A card for any present', category: 'gifts', price: 25, attributes: { colour: 'red', size: 3, digital: true, note: null } };
    await expectAnswer('upsertItems', 200, request(app()).put('/v1/items').send({ items: [...SHOP_ITEMS, giftCard] }));
    await expectError('upsertItems', 400, 'DUPLICATE_ID_IN_BATCH', request(app()).put('/v1/items').send({ items: [giftCard, giftCard] }));
    await expectError('upsertItems', 400, 'VALIDATION_FAILED', request(app()).put('/v1/items').send({ items: [] }));
    await expectAnswer('postEvents', 200, request(app()).post('/v1/events').send({ events: SHOP_EVENTS }));
    const twice = { user_id: 'u1', item_id: 'i1', type: 'rating', value: 4, event_id: 'e-1', timestamp: '2024-05-01T10:00:00+02:00' };
    expect((await expectAnswer('postEvents', 200, request(app()).post('/v1/events').send({ events: [twice] }))).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await expectAnswer('postEvents', 200, request(app()).post('/v1/events').send({ events: [twice] }))).body).toEqual({ accepted: 0, duplicates: 1 });
    await expectError('postEvents', 400, 'EVENT_ITEM_UNKNOWN', request(app()).post('/v1/events').send({ events: [{ user_id: 'u1', item_id: 'nope', type: 'view' }] }));
    await expectError('postEvents', 400, 'EVENT_TIMESTAMP_IN_FUTURE', request(app()).post('/v1/events').send({ events: [{ user_id: 'u1', item_id: 'gift-card', type: 'view', timestamp: '2126-01-01T00:00:00Z' }] }));
    await until('the catalog indexed', 20_000, async () => api.recommend.live.size === SHOP_ITEMS.length + 1);

    await expectAnswer('getItem', 200, request(app()).get('/v1/items/gift-card'));
    await expectError('getItem', 404, 'ITEM_NOT_FOUND', request(app()).get('/v1/items/nope'));
    await expectError('getItem', 400, 'VALIDATION_FAILED', request(app()).get('/v1/items/%01'));
    await request(app()).put('/v1/items').send({ items: [{ id: 'short-lived', title: 'Short lived' }] });
    await expectAnswer('deleteItem', 204, request(app()).delete('/v1/items/short-lived'));
    await expectError('deleteItem', 404, 'ITEM_NOT_FOUND', request(app()).delete('/v1/items/short-lived'));

    // without a model, then with one (reasons from the user's history)
    await expectAnswer('recommendForUser', 200, request(app()).get('/v1/users/u1/recommendations?k=3'));
    const trained = await trainFromCatalog(api.recommend.repository, api.recommend.registry, { tune: false, seed: 1 });
    expect(trained.promoted).toBe(true);
    await api.recommend.reloadModel();
    const personal = await expectAnswer('recommendForUser', 200, request(app()).get('/v1/users/u1/recommendations?k=3&diversity=0.5'));
    expect(personal.body.strategy).toBe('personal');
    expect((await expectAnswer('recommendForUser', 200, request(app()).get('/v1/users/newcomer/recommendations?context_items=i1,i2'))).body.strategy).toBe('context');
    const popular = await expectAnswer('recommendForUser', 200, request(app()).get('/v1/users/nobody/recommendations?category=mugs&min_price=1&max_price=100&in_stock=true'));
    expect(popular.body.strategy).toBe('popular');
    await expectError('recommendForUser', 404, 'ITEM_NOT_FOUND', request(app()).get('/v1/users/u1/recommendations?context_items=nope'));
    await expectError('recommendForUser', 400, 'VALIDATION_FAILED', request(app()).get('/v1/users/u1/recommendations?k=0'));

    expect((await expectAnswer('similarItems', 200, request(app()).get('/v1/items/i1/similar?k=4'))).body.items.length).toBeGreaterThan(0);
    await expectError('similarItems', 404, 'ITEM_NOT_FOUND', request(app()).get('/v1/items/nope/similar'));
    await expectError('similarItems', 400, 'VALIDATION_FAILED', request(app()).get('/v1/items/i1/similar?k=abc'));
    expect((await expectAnswer('searchItems', 200, request(app()).get('/v1/search?q=running%20shoes&category=shoes'))).body.items.length).toBeGreaterThan(0);
    await expectError('searchItems', 400, 'VALIDATION_FAILED', request(app()).get('/v1/search'));
  });

  it('knowledge base, chat and classification', async () => {
    await expectAnswer('upsertKbEntries', 200, request(app()).put('/v1/kb/entries').send({ entries: KB_ENTRIES }));
    await expectError('upsertKbEntries', 400, 'DUPLICATE_ID_IN_BATCH', request(app()).put('/v1/kb/entries').send({ entries: [KB_ENTRIES[0], KB_ENTRIES[0]] }));
    await expectAnswer('getKbEntry', 200, request(app()).get('/v1/kb/entries/faq-track'));
    await expectError('getKbEntry', 404, 'KB_ENTRY_NOT_FOUND', request(app()).get('/v1/kb/entries/nope'));
    await request(app()).put('/v1/kb/entries').send({ entries: [{ id: 'short-lived', questions: ['q'], answer: 'a' }] });
    await expectAnswer('deleteKbEntry', 204, request(app()).delete('/v1/kb/entries/short-lived'));
    await expectError('deleteKbEntry', 404, 'KB_ENTRY_NOT_FOUND', request(app()).delete('/v1/kb/entries/short-lived'));
    expect((await expectAnswer('searchKb', 200, request(app()).get('/v1/kb/search?q=track%20my%20parcel&k=2'))).body.hits.length).toBeGreaterThan(0);
    await expectAnswer('searchKb', 200, request(app()).get('/v1/kb/search?q=refund&intent=get_refund'));
    await expectError('searchKb', 400, 'VALIDATION_FAILED', request(app()).get('/v1/kb/search?q=x&k=0'));

    const session = (await expectAnswer('createChatSession', 201, request(app()).post('/v1/chat/sessions'))).body.session_id as string;
    const known = (await expectAnswer('createChatSession', 201, request(app()).post('/v1/chat/sessions').send({ user_id: 'u1' }))).body.session_id as string;
    await expectError('createChatSession', 400, 'VALIDATION_FAILED', request(app()).post('/v1/chat/sessions').send({ bogus: 1 }));
    const say = (id: string, text: string) => expectAnswer('sendChatMessage', 200, request(app()).post(`/v1/chat/sessions/${id}/messages`).send({ text }));
    expect((await say(session, 'Where is my order #12345?')).body.sources[0]).toMatchObject({ kind: 'kb' });
    await say(session, 'I want a refund of $40, my email is jo@example.com');
    await say(session, 'blue sky green grass');
    expect((await say(known, 'what would be a good gift for my dad')).body.action).toBe('recommend');
    expect((await say(known, 'i want to speak to a human')).body.action).toBe('handoff');
    await expectError('sendChatMessage', 404, 'CHAT_SESSION_NOT_FOUND', request(app()).post('/v1/chat/sessions/nope/messages').send({ text: 'hi' }));
    await expectError('sendChatMessage', 400, 'VALIDATION_FAILED', request(app()).post(`/v1/chat/sessions/${session}/messages`).send({ text: '' }));
    expect((await expectAnswer('getChatSession', 200, request(app()).get(`/v1/chat/sessions/${session}`))).body.turns).toHaveLength(3);
    await expectAnswer('getChatSession', 200, request(app()).get(`/v1/chat/sessions/${known}`));
    await expectError('getChatSession', 404, 'CHAT_SESSION_NOT_FOUND', request(app()).get('/v1/chat/sessions/nope'));
    await expectAnswer('postChatFeedback', 201, request(app()).post('/v1/chat/feedback').send({ session_id: session, message_index: 2, intent: 'delivery_options' }));
    await expectError('postChatFeedback', 404, 'CHAT_MESSAGE_NOT_FOUND', request(app()).post('/v1/chat/feedback').send({ session_id: session, message_index: 99, intent: 'track_order' }));
    await expectError('postChatFeedback', 404, 'CHAT_SESSION_NOT_FOUND', request(app()).post('/v1/chat/feedback').send({ session_id: 'nope', message_index: 0, intent: 'track_order' }));
    await expectError('postChatFeedback', 400, 'VALIDATION_FAILED', request(app()).post('/v1/chat/feedback').send({ session_id: session, message_index: 0, intent: 'unknown' }));

    await expectAnswer('classifyIntent', 200, request(app()).post('/v1/classify/intent').send({ text: 'cancel my order' }));
    expect((await expectAnswer('classifyIntent', 200, request(app()).post('/v1/classify/intent').send({ texts: ['cancel my order', 'zzz'], top_k: 2 }))).body.results).toHaveLength(2);
    await expectError('classifyIntent', 400, 'VALIDATION_FAILED', request(app()).post('/v1/classify/intent').send({ text: 'a', texts: ['b'] }));
    await expectAnswer('classifySentiment', 200, request(app()).post('/v1/classify/sentiment').send({ text: 'this is terrible' }));
    await expectAnswer('classifySentiment', 200, request(app()).post('/v1/classify/sentiment').send({ texts: ['great', 'awful'] }));
    await expectError('classifySentiment', 400, 'VALIDATION_FAILED', request(app()).post('/v1/classify/sentiment').send({}));
  });

  it('admin: models', async () => {
    const first = (await api.recommend.registry.current(RECOMMEND_KIND))!.manifest.version;
    const second = await trainFromCatalog(api.recommend.repository, api.recommend.registry, { tune: false, seed: 2, tolerance: 1 });
    expect(second.promoted).toBe(true);
    const listed = await expectAnswer('listModels', 200, request(app()).get('/v1/admin/models'));
    expect(Object.keys(listed.body.models)).toEqual(['recommend', 'intents', 'sentiment']);
    expect(listed.body.served.recommend).toBe(api.recommend.modelVersion);
    expect((await expectAnswer('getModelVersions', 200, request(app()).get('/v1/admin/models/recommend'))).body.versions).toHaveLength(2);
    await expectError('getModelVersions', 400, 'VALIDATION_FAILED', request(app()).get('/v1/admin/models/Bad%21'));
    expect((await expectAnswer('rollbackModel', 200, request(app()).post('/v1/admin/models/recommend/rollback'))).body).toEqual({ kind: 'recommend', current: first });
    await expectError('rollbackModel', 404, 'REGISTRY_VERSION_NOT_FOUND', request(app()).post('/v1/admin/models/intents/rollback'));
    const promoted = await expectAnswer('promoteModel', 200, request(app()).post('/v1/admin/models/recommend/promote').send({ version: second.version.manifest.version }));
    expect(promoted.body.current).toBe(second.version.manifest.version);
    await expectError('promoteModel', 404, 'REGISTRY_VERSION_NOT_FOUND', request(app()).post('/v1/admin/models/recommend/promote').send({ version: 'v20000101T000000000-abcdef' }));
    await expectError('promoteModel', 400, 'REGISTRY_INVALID_NAME', request(app()).post('/v1/admin/models/recommend/promote').send({ version: 'latest' }));
    // a manifest damaged on disk
    const sentiment = (await api.recommend.registry.current('sentiment'))!;
    const manifest = path.join(sentiment.dir, 'manifest.json');
    const saved = await readFile(manifest, 'utf8');
    await writeFile(manifest, '{ not json');
    try {
      // the listings still answer: the damaged version is left out, and what CURRENT names is shown
      expect((await expectAnswer('listModels', 200, request(app()).get('/v1/admin/models'))).body.models.sentiment).toBeNull();
      const versions = (await expectAnswer('getModelVersions', 200, request(app()).get('/v1/admin/models/sentiment'))).body;
      expect([versions.current, versions.versions]).toEqual([sentiment.manifest.version, []]);
      await expectError('promoteModel', 500, 'REGISTRY_VERSION_CORRUPT', request(app()).post('/v1/admin/models/sentiment/promote').send({ version: sentiment.manifest.version }));
    } finally {
      await writeFile(manifest, saved);
    }
    // another process holds the kind's registry lock past the wait (12 s): 503, for both
    await withFolderLock(path.join(api.recommend.registry.root, RECOMMEND_KIND, '.lock'), async () => {
      await Promise.all([
        expectError('promoteModel', 503, 'REGISTRY_BUSY', request(app()).post('/v1/admin/models/recommend/promote').send({ version: first })),
        expectError('rollbackModel', 503, 'REGISTRY_BUSY', request(app()).post('/v1/admin/models/recommend/rollback')),
      ]);
    }, { staleMs: 10_000, waitMs: 1_000, busy: () => new Error('the test could not take the lock') });
    expect((await api.recommend.registry.current(RECOMMEND_KIND))!.manifest.version).toBe(second.version.manifest.version);
  }, 60_000);

  it('admin: jobs and queues (queued, no worker runs them)', async () => {
    const ids: string[] = [];
    const payloads: Record<(typeof JOB_NAMES)[number], object | undefined> = {
      'embed-items': { itemIds: ['i1'] },
      'rebuild-index': undefined,
      'train-recommend': { seed: 3, tune: false },
      'train-intents': { seed: 3 },
      'train-sentiment': {},
      nightly: { tune: false },
      'purge-retention': {},
    };
    for (const name of JOB_NAMES) {
      const id = `run${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`;
      const req = request(app()).post(`/v1/admin/jobs/${name}`);
      const res = await expectAnswer(id, 202, payloads[name] === undefined ? req : req.send(payloads[name]));
      ids.push(res.body.id as string);
      await expectError(id, 400, 'VALIDATION_FAILED', request(app()).post(`/v1/admin/jobs/${name}`).send({ bogus: true }));
      // the document says a body is required exactly when a request without one is refused
      const required = (doc.paths[`/v1/admin/jobs/${name}`]!.post as { requestBody?: { required?: boolean } }).requestBody?.required;
      const bare = await request(app()).post(`/v1/admin/jobs/${name}`);
      expect([name, bare.status], bare.text).toEqual([name, required ? 400 : 202]);
      if (bare.status === 202) ids.push(bare.body.id as string);
    }
    // the one route outside the document: a name that is no job
    const unknown = await request(app()).post('/v1/admin/jobs/make-coffee').send({});
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'JOB_UNKNOWN']);
    for (const id of ids) expect((await expectAnswer('getJob', 200, request(app()).get(`/v1/admin/jobs/${id}`))).body.state).toBe('waiting');
    await expectError('getJob', 404, 'JOB_NOT_FOUND', request(app()).get('/v1/admin/jobs/train-999999'));
    await expectAnswer('listQueues', 200, request(app()).get('/v1/admin/queues'));
  });

  it('a process not started, its Redis unreachable, answers the documented 503s (and 500 without its tables)', async () => {
    const down = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const cold = composeApi(down, log, { defaultMetrics: false });
    try {
      const c = cold.app;
      await expectAnswer('getReadiness', 503, request(c).get('/readyz'));
      await expectError('createEmbedding', 503, 'EMBED_MODEL_NOT_LOADED', request(c).post('/v1/embeddings').send({ input: 'x' }));
      await expectError('classifyIntent', 503, 'CHAT_MODEL_NOT_LOADED', request(c).post('/v1/classify/intent').send({ text: 'x' }));
      await expectError('searchKb', 503, 'NOT_READY', request(c).get('/v1/kb/search?q=x'));
      // nothing is answered, or cached for a user, from a catalog index not loaded yet
      await expectError('recommendForUser', 503, 'NOT_READY', request(c).get('/v1/users/u1/recommendations'));
      await expectError('similarItems', 503, 'NOT_READY', request(c).get('/v1/items/i1/similar'));
      await expectError('searchItems', 503, 'NOT_READY', request(c).get('/v1/search?q=x'));
      await expectError('upsertKbEntries', 503, 'NOT_READY', request(c).put('/v1/kb/entries').send({ entries: KB_ENTRIES }));
      await expectError('createChatSession', 503, 'REDIS_UNAVAILABLE', request(c).post('/v1/chat/sessions'));
      await expectError('listQueues', 503, 'QUEUE_UNAVAILABLE', request(c).get('/v1/admin/queues'));
      await expectError('runRebuildIndex', 503, 'QUEUE_UNAVAILABLE', request(c).post('/v1/admin/jobs/rebuild-index'));
      await expectError('getJob', 503, 'QUEUE_UNAVAILABLE', request(c).get('/v1/admin/jobs/train-1'));
      await expectError('eraseUser', 503, 'REDIS_UNAVAILABLE', request(c).delete('/v1/users/u1'));
      await expectError('getItem', 500, 'STORAGE_FAILED', request(c).get('/v1/items/i1'));
    } finally {
      await cold.close();
      rmSync(down.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
  });

  it('admin: privacy (export, erasure)', async () => {
    const exported = await expectAnswer('exportUser', 200, request(app()).get('/v1/users/u1/export'));
    expect(exported.body.events.length).toBeGreaterThan(0);
    expect(exported.body.chat.sessions.length).toBeGreaterThan(0);
    await expectAnswer('exportUser', 200, request(app()).get('/v1/users/nobody-here/export'));
    await expectError('exportUser', 400, 'VALIDATION_FAILED', request(app()).get(`/v1/users/${'x'.repeat(300)}/export`));
    const erased = await expectAnswer('eraseUser', 200, request(app()).delete('/v1/users/u1'));
    expect(erased.body.erased.events).toBeGreaterThan(0);
    expect((await expectAnswer('eraseUser', 200, request(app()).delete('/v1/users/u1'))).body.erased).toEqual({ events: 0, chat_sessions: 0, chat_turns: 0, chat_feedback: 0 });
    await expectError('eraseUser', 400, 'VALIDATION_FAILED', request(app()).delete(`/v1/users/${'x'.repeat(300)}`));
  });

  it('admin: API keys (shown once, never listed)', async () => {
    const created = await expectAnswer('createApiKey', 201, request(app()).post('/v1/admin/keys').send({ name: 'shop front', scopes: ['read'] }));
    expect(created.body.key).toMatch(/^aff_[a-f0-9]+_[\w-]{43}$/);
    await expectAnswer('createApiKey', 201, request(app()).post('/v1/admin/keys').send({ name: 'importer', scopes: ['write'], rate_limit_per_minute: 5 }));
    await expectError('createApiKey', 400, 'VALIDATION_FAILED', request(app()).post('/v1/admin/keys').send({ name: 'root', scopes: ['root'] }));
    const listed = await expectAnswer('listApiKeys', 200, request(app()).get('/v1/admin/keys'));
    expect(listed.body.keys.map((k: { name: string }) => k.name)).toEqual(['shop front', 'importer']);
    // the secret is base64url, so it may itself hold '_': parse the key rather than split it
    expect(listed.text).not.toContain(parseApiKey(created.body.key)!.secret);
    expect((await expectAnswer('revokeApiKey', 200, request(app()).delete(`/v1/admin/keys/${created.body.id}`))).body.revoked_at).not.toBeNull();
    await expectError('revokeApiKey', 404, 'API_KEY_NOT_FOUND', request(app()).delete('/v1/admin/keys/nope'));
    await expectError('revokeApiKey', 400, 'VALIDATION_FAILED', request(app()).delete('/v1/admin/keys/not-an-id'));
  });

  it('saw every operation succeed, and fail where a request can make it fail', () => {
    const missing: string[] = [];
    for (const id of checker.operations.keys()) {
      const statuses = [...(checker.seen.get(id) ?? [])];
      if (!statuses.some((s) => s < 400)) missing.push(`${id}: no success`);
      if (!NO_ERROR_CASE.has(id) && !statuses.some((s) => s >= 400)) missing.push(`${id}: no error`);
    }
    expect(missing).toEqual([]);
  });
});
