// POST /v1/embeddings and the probes, in-process over real HTTP (supertest) on the real
// composition root with the generated tiny encoder: the OpenAI contract and every error.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import type { Config } from '../../../shared/config/index.ts';
import { testConfig } from '../../support/test-config.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';

const log = createLogger({ level: 'silent' });
const tinyDir = testModelDir('tiny');
const SERVED = 'tiny'; // the folder's name, as EMBED_MODEL_ID is unset
const DIM = 64;
const MAX_INPUTS = 4;
const MAX_CHARS = 300;

function config(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return testConfig(
    {
      EMBED_MODEL: tinyDir,
      EMBED_MAX_INPUTS: String(MAX_INPUTS),
      EMBED_MAX_INPUT_CHARS: String(MAX_CHARS),
      HTTP_BODY_LIMIT: '1kb',
      ...overrides,
    },
  );
}

const newApi = (overrides?: Partial<Record<keyof Config, string>>) => composeApi(config(overrides), log, { defaultMetrics: false });

interface EmbeddingsBody {
  object: string;
  data: Array<{ object: string; index: number; embedding: number[] | string; truncated: boolean }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function fromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  expect(bytes.length % 4).toBe(0);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** The error envelope, exactly: `{ error: { code, message, details? } }`, no stack anywhere. */
function expectErrorBody(res: request.Response, status: number, code: string): { code: string; message: string; details?: Record<string, unknown> } {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  const e = res.body.error as { code: string; message: string; details?: Record<string, unknown> };
  expect(e.code).toBe(code);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(e)) expect(['code', 'message', 'details']).toContain(key);
  if ('details' in e) expect(typeof e.details).toBe('object');
  expect(res.text).not.toMatch(/stack|\n\s+at /i);
  return e;
}

/** One sample of a Prometheus text exposition, 0 when absent. */
function sample(metrics: string, name: string, labels = ''): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('POST /v1/embeddings (tiny encoder, in process)', () => {
  let api: Api;

  beforeAll(async () => {
    api = newApi();
    await api.start();
  });
  afterAll(async () => {
    await api?.close();
  });

  // always a JSON body, whatever its top-level type
  const post = (body: unknown) =>
    request(api.app).post('/v1/embeddings').set('content-type', 'application/json').send(JSON.stringify(body));

  describe('the OpenAI contract', () => {
    it('embeds a single string: a list of one unit-norm embedding of the model dimension, with usage', async () => {
      const res = await post({ input: 'Where is my new card?', model: SERVED });
      expect(res.status).toBe(200);
      const body = res.body as EmbeddingsBody;
      expect(body.object).toBe('list');
      expect(body.model).toBe(SERVED);
      expect(body.data).toHaveLength(1);
      const [d] = body.data;
      expect(d!.object).toBe('embedding');
      expect(d!.index).toBe(0);
      expect(d!.truncated).toBe(false);
      const v = d!.embedding as number[];
      expect(Array.isArray(v)).toBe(true);
      expect(v).toHaveLength(DIM);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(body.usage.prompt_tokens).toBeGreaterThan(0);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
    });

    it('embeds an array in order, indexes each item, and counts the tokens of all of them', async () => {
      const texts = ['I lost my card', 'the exchange rate looks wrong', 'top up failed'];
      const res = await post({ input: texts, model: SERVED });
      expect(res.status).toBe(200);
      const body = res.body as EmbeddingsBody;
      expect(body.data.map((d) => d.index)).toEqual([0, 1, 2]);
      for (const d of body.data) {
        expect(d.object).toBe('embedding');
        expect(d.embedding).toHaveLength(DIM);
        expect(norm(d.embedding as number[])).toBeCloseTo(1, 5);
      }
      // each item is its own text's vector, and the usage is the sum of the singles'
      let tokens = 0;
      for (const [i, text] of texts.entries()) {
        const single = (await post({ input: text })).body as EmbeddingsBody;
        expect(single.data[0]!.embedding).toEqual(body.data[i]!.embedding);
        tokens += single.usage.prompt_tokens;
      }
      expect(body.usage.prompt_tokens).toBe(tokens);
      expect(body.usage.total_tokens).toBe(tokens);
      expect(body.data[0]!.embedding).not.toEqual(body.data[1]!.embedding);
    });

    it('base64 is the float vector as little-endian float32 (within 1e-6)', async () => {
      const input = ['card not working abroad', 'why was I charged twice?'];
      const asFloat = (await post({ input, encoding_format: 'float' })).body as EmbeddingsBody;
      const res = await post({ input, encoding_format: 'base64' });
      expect(res.status).toBe(200);
      const asB64 = res.body as EmbeddingsBody;
      expect(asB64.data).toHaveLength(2);
      for (const [i, d] of asB64.data.entries()) {
        expect(typeof d.embedding).toBe('string');
        const decoded = fromBase64(d.embedding as string);
        const expected = asFloat.data[i]!.embedding as number[];
        expect(decoded).toHaveLength(DIM);
        for (let j = 0; j < DIM; j++) expect(Math.abs(decoded[j]! - expected[j]!)).toBeLessThanOrEqual(1e-6);
      }
    });

    it('the served model also answers to its EMBED_MODEL (the folder it was loaded from), and dimensions = dim is fine', async () => {
      const res = await post({ input: 'hello', model: tinyDir, dimensions: DIM });
      expect(res.status).toBe(200);
      expect(res.body.model).toBe(SERVED);
      expect(res.body.data[0].embedding).toHaveLength(DIM);
    });
  });

  describe('errors', () => {
    it.each([
      ['an empty string', { input: '' }],
      ['a blank string', { input: '   ' }],
      ['an empty array', { input: [] }],
      ['an array holding an empty string', { input: ['fine', ''] }],
    ])('%s → 400 EMBED_INPUT_EMPTY', async (_what, body) => {
      expectErrorBody(await post(body), 400, 'EMBED_INPUT_EMPTY');
    });

    it('says which item is empty', async () => {
      const e = expectErrorBody(await post({ input: ['fine', 'also fine', ''] }), 400, 'EMBED_INPUT_EMPTY');
      expect(e.details).toEqual({ index: 2 });
    });

    it(`more than EMBED_MAX_INPUTS (${MAX_INPUTS}) strings → 400 EMBED_TOO_MANY_INPUTS; exactly that many is fine`, async () => {
      const e = expectErrorBody(await post({ input: ['a', 'b', 'c', 'd', 'e'] }), 400, 'EMBED_TOO_MANY_INPUTS');
      expect(e.details).toEqual({ limit: MAX_INPUTS });
      expect((await post({ input: ['a', 'b', 'c', 'd'] })).status).toBe(200);
    });

    it(`a string over EMBED_MAX_INPUT_CHARS (${MAX_CHARS}) → 400 EMBED_INPUT_TOO_LONG; exactly that long is fine`, async () => {
      const e = expectErrorBody(await post({ input: ['ok', 'x'.repeat(MAX_CHARS + 1)] }), 400, 'EMBED_INPUT_TOO_LONG');
      expect(e.details).toEqual({ index: 1, limit: MAX_CHARS });
      expect((await post({ input: 'x'.repeat(MAX_CHARS) })).status).toBe(200);
    });

    it.each([
      ['a number input', { input: 42 }],
      ['an array of numbers (token ids)', { input: [101, 2054, 102] }],
      ['a nested array', { input: [['a']] }],
      ['no input at all', { model: SERVED }],
      ['encoding_format hex', { input: 'hi', encoding_format: 'hex' }],
      ['dimensions not a positive integer', { input: 'hi', dimensions: -3 }],
      ['a JSON string body', 'just a string'],
    ])('%s → 400 VALIDATION_FAILED', async (_what, body) => {
      const e = expectErrorBody(await post(body), 400, 'VALIDATION_FAILED');
      expect(Array.isArray(e.details?.issues)).toBe(true);
    });

    it('a body that is not declared as JSON → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await request(api.app).post('/v1/embeddings').set('content-type', 'text/plain').send('hello');
      expectErrorBody(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('a body that is not JSON → 400 INVALID_JSON', async () => {
      const res = await request(api.app).post('/v1/embeddings').set('content-type', 'application/json').send('{"input": "hi",');
      expectErrorBody(res, 400, 'INVALID_JSON');
    });

    it('an unknown model → 400 EMBED_MODEL_UNKNOWN, naming the served one', async () => {
      const e = expectErrorBody(await post({ input: 'hi', model: 'text-embedding-3-small' }), 400, 'EMBED_MODEL_UNKNOWN');
      expect(e.details).toEqual({ served: [SERVED] });
    });

    it('other dimensions than the model has → 400 EMBED_DIMENSIONS_UNSUPPORTED', async () => {
      const e = expectErrorBody(await post({ input: 'hi', dimensions: 32 }), 400, 'EMBED_DIMENSIONS_UNSUPPORTED');
      expect(e.details).toEqual({ dimensions: DIM });
    });

    it('a body over HTTP_BODY_LIMIT (1kb) → 413 PAYLOAD_TOO_LARGE', async () => {
      expectErrorBody(await post({ input: 'y'.repeat(2000) }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('an unknown route → 404 ROUTE_NOT_FOUND', async () => {
      expectErrorBody(await request(api.app).get('/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
      expectErrorBody(await request(api.app).post('/v1/embedding').send({ input: 'hi' }), 404, 'ROUTE_NOT_FOUND');
    });

    it('a route with a method it does not take → 405 METHOD_NOT_ALLOWED with Allow', async () => {
      const get = await request(api.app).get('/v1/embeddings');
      expect(expectErrorBody(get, 405, 'METHOD_NOT_ALLOWED').details).toEqual({ allowed: ['POST'] });
      expect(get.headers.allow).toBe('POST');
      const put = await request(api.app).put('/readyz');
      expectErrorBody(put, 405, 'METHOD_NOT_ALLOWED');
      expect(put.headers.allow).toBe('GET, HEAD');
      // the path's own method still works, and HEAD of a GET route is not refused
      expect((await request(api.app).head('/healthz')).status).toBe(200);
    });

    it('a rejected request changes nothing: tokens and cache lookups stay put, the next valid request works', async () => {
      const metrics = async () => (await request(api.app).get('/metrics')).text;
      const counters = (m: string) => [
        sample(m, 'affinity_embed_tokens_total'),
        sample(m, 'affinity_embed_cache_lookups_total', '{result="hit"}'),
        sample(m, 'affinity_embed_cache_lookups_total', '{result="miss"}'),
      ];
      const text = `a text nobody sent before ${Date.now()}`;
      const before = counters(await metrics());
      const rejected = [
        { input: [text, ''] },
        { input: [text, 'z'.repeat(MAX_CHARS + 1)] },
        { input: [text, 'a', 'b', 'c', 'd'] },
        { input: text, model: 'nope' },
        { input: text, dimensions: 7 },
        { input: text, encoding_format: 'hex' },
      ];
      for (const body of rejected) expect((await post(body)).status).toBe(400);
      expect(counters(await metrics())).toEqual(before);

      // the text of the rejected requests was not cached either: the valid one is a miss
      const ok = await post({ input: text });
      expect(ok.status).toBe(200);
      const after = counters(await metrics());
      expect(after[0]).toBe(before[0]! + ok.body.usage.prompt_tokens);
      expect(after[1]).toBe(before[1]);
      expect(after[2]).toBe(before[2]! + 1);
    });
  });

  describe('probes, metrics, request ids', () => {
    it('/healthz answers 200', async () => {
      const res = await request(api.app).get('/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('/readyz answers 200 once the model is loaded', async () => {
      const res = await request(api.app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ready', checks: { embed: true, recommend: true } });
    });

    it('/metrics exposes the request latency and the embedding cache lookups', async () => {
      await post({ input: 'metrics please' });
      await post({ input: 'metrics please' });
      const res = await request(api.app).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE affinity_http_request_duration_seconds histogram');
      expect(res.text).toMatch(/affinity_http_request_duration_seconds_count\{[^}]*route="\/v1\/embeddings"[^}]*status="200"[^}]*\} [1-9]/);
      expect(res.text).toContain('# TYPE affinity_embed_cache_lookups_total counter');
      expect(sample(res.text, 'affinity_embed_cache_lookups_total', '{result="hit"}')).toBeGreaterThanOrEqual(1);
    });

    it('echoes a sane incoming x-request-id and makes one up otherwise', async () => {
      const kept = await request(api.app).get('/healthz').set('x-request-id', 'client-req.42:abc');
      expect(kept.headers['x-request-id']).toBe('client-req.42:abc');
      const replaced = await request(api.app).get('/healthz').set('x-request-id', 'no spaces <allowed>');
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const made = await request(api.app).post('/v1/embeddings').send({ input: '' });
      expect(made.status).toBe(400);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('before the model is loaded', () => {
  let api: Api;

  beforeAll(() => {
    api = newApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('POST /v1/embeddings → 503 EMBED_MODEL_NOT_LOADED, /healthz 200, /readyz 503; after start /readyz 200 and it embeds', async () => {
    expectErrorBody(await request(api.app).post('/v1/embeddings').send({ input: 'hi' }), 503, 'EMBED_MODEL_NOT_LOADED');
    expect((await request(api.app).get('/healthz')).status).toBe(200);
    const notReady = await request(api.app).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: 'not_ready', checks: { embed: false, recommend: false } });
    // input validation does not wait for the model
    expectErrorBody(await request(api.app).post('/v1/embeddings').send({ input: [] }), 400, 'EMBED_INPUT_EMPTY');

    await api.start();
    expect((await request(api.app).get('/readyz')).status).toBe(200);
    const res = await request(api.app).post('/v1/embeddings').send({ input: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body.data[0].embedding).toHaveLength(DIM);
  });
});
