// A promotion and a rollback while requests flow: `affinity start` (API and worker processes)
// on ML-100K, real Redis, 20 s of concurrent recommendations, similar items and search; the
// model in service changes twice mid-traffic and not one request fails.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AffinityProcess, importMovieLens100k, spawnAffinity, systemEnv, untilReady } from '../../support/affinity-process.ts';
import { load } from '../../support/load.ts';
import { deleteKeysUnder, freePort, testRedis, until, type TestRedis } from '../../support/redis.ts';

const LOAD_SECONDS = 20;

describe('promotion under load', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let system: AffinityProcess;
  let base: string;

  const json = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${base}${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  async function train(seed: number): Promise<void> {
    const queued = await json('POST', '/v1/admin/jobs/train-recommend', { tune: false, seed });
    expect(queued.status).toBe(202);
    await until('training', 120_000, async () => (await json('GET', `/v1/admin/jobs/${queued.body.id}`)).body.state === 'completed', 200);
  }

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-promote-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...systemEnv(dataDir, redis.url),
      PORT: String(port),
      HOST: '127.0.0.1',
      START_MODE: 'two-processes',
    };
    await importMovieLens100k(env);
    system = spawnAffinity(['start'], env);
    await untilReady(system, base);
    await train(1);
    await train(2);
  });
  afterAll(async () => {
    await system?.stop('SIGTERM');
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`swaps models twice during ${LOAD_SECONDS} s of traffic with zero failed requests`, { timeout: 120_000 }, async () => {
    const models = await json('GET', '/v1/admin/models/recommend');
    const versions = (models.body.versions as { version: string }[]).map((v) => v.version);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    const [a, b] = versions as [string, string];
    expect((await json('POST', '/v1/admin/models/recommend/promote', { version: a })).status).toBe(200);
    expect((await json('GET', '/v1/admin/models/recommend')).body.served).toBe(a);

    const paths = Array.from({ length: 200 }, (_, i) => {
      const user = (i * 37) % 943 + 1;
      const item = (i * 53) % 1682 + 1;
      return [`/v1/users/${user}/recommendations?k=10`, `/v1/items/${item}/similar?k=10`, `/v1/search?q=${encodeURIComponent(['star wars', 'love story', 'toy', 'the godfather'][i % 4]!)}&k=10`];
    }).flat();
    const traffic = load(base, paths, { seconds: LOAD_SECONDS, connections: 16 });
    const swaps: string[] = [];
    await new Promise((r) => setTimeout(r, 6_000));
    const promoted = await json('POST', '/v1/admin/models/recommend/promote', { version: b });
    expect(promoted.status).toBe(200);
    swaps.push(String((await json('GET', '/v1/admin/models/recommend')).body.served));
    await new Promise((r) => setTimeout(r, 6_000));
    const rolledBack = await json('POST', '/v1/admin/models/recommend/rollback');
    expect(rolledBack.status).toBe(200);
    swaps.push(String((await json('GET', '/v1/admin/models/recommend')).body.served));
    const out = await traffic;

    expect(swaps).toEqual([b, a]);
    expect(out.errors, JSON.stringify(out)).toBe(0);
    expect(out.failures, JSON.stringify(out)).toEqual([]);
    expect(out.statuses['200']).toBe(out.requests);
    expect(out.requests).toBeGreaterThan(LOAD_SECONDS * 10);
  });
});
