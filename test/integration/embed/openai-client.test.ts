// The official `openai` client, unmodified, against a real listening server: what "compatible
// with the OpenAI embeddings API" has to mean in practice.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { testConfig } from '../../support/test-config.ts';
import { readBanking77 } from '../../../shared/datasets/labelled-text.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { sharedDir, testModelDir } from '../../support/paths.ts';

const SERVED = 'tiny';
const texts = readBanking77(path.join(sharedDir(), 'data', 'banking77', 'test.csv'))
  .slice(0, 6)
  .map((r) => r.text);

describe('the official openai client against a listening server', () => {
  let api: Api;
  let server: Server;
  let base: string;
  let client: OpenAI;
  /** Bodies and headers of the requests the server received, read beside the app. */
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];

  beforeAll(async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny') });
    api = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    await api.start();
    server = await new Promise<Server>((resolve) => {
      const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    server.on('request', (req: IncomingMessage) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
  });

  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await api?.close();
  });

  it('embeddings.create returns the same vectors as our float response (within 1e-6)', async () => {
    const viaClient = await client.embeddings.create({ model: SERVED, input: texts });

    // the client asked for base64 (its default) and decoded it itself
    const sent = seen.filter((r) => r.url === '/v1/embeddings').at(-1);
    expect(sent).toBeDefined();
    expect(JSON.parse(sent!.body)).toMatchObject({ model: SERVED, input: texts, encoding_format: 'base64' });
    expect(sent!.headers.authorization).toBe('Bearer unused');

    const res = await fetch(`${base}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: SERVED, input: texts, encoding_format: 'float' }),
    });
    expect(res.status).toBe(200);
    const asFloat = (await res.json()) as { data: Array<{ index: number; embedding: number[] }> };

    expect(viaClient.object).toBe('list');
    expect(viaClient.model).toBe(SERVED);
    expect(viaClient.usage.prompt_tokens).toBeGreaterThan(0);
    expect(viaClient.usage.total_tokens).toBe(viaClient.usage.prompt_tokens);
    expect(viaClient.data).toHaveLength(texts.length);
    for (const [i, d] of viaClient.data.entries()) {
      expect(d.object).toBe('embedding');
      expect(d.index).toBe(i);
      expect(Array.isArray(d.embedding)).toBe(true);
      const expected = asFloat.data[i]!.embedding;
      expect(d.embedding).toHaveLength(expected.length);
      expect(expected.length).toBe(api.embedding.service.info!.dim);
      for (let j = 0; j < expected.length; j++) expect(Math.abs(d.embedding[j]! - expected[j]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('a bad request surfaces as the client APIError with status 400 and our error code', async () => {
    const attempt = (body: OpenAI.EmbeddingCreateParams) => client.embeddings.create(body).then(
      () => expect.unreachable('the request should have been rejected'),
      (err: unknown) => err,
    );

    const empty = await attempt({ model: SERVED, input: '' });
    expect(empty).toBeInstanceOf(OpenAI.APIError);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    const e = empty as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(400);
    expect(e.code).toBe('EMBED_INPUT_EMPTY');
    expect(e.error).toMatchObject({ code: 'EMBED_INPUT_EMPTY', message: expect.any(String) });
    // our request id reaches the client
    expect(e.requestID).toMatch(/^[0-9a-f-]{36}$/);

    const unknown = (await attempt({ model: 'text-embedding-3-small', input: 'hello' })) as InstanceType<typeof OpenAI.APIError>;
    expect(unknown).toBeInstanceOf(OpenAI.APIError);
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({ code: 'EMBED_MODEL_UNKNOWN', details: { served: [SERVED] } });
  });
});
