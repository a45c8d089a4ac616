// Redis stopped for 10 s while requests flow: `affinity start` (API and worker processes) on a
// private redis-server that this test stops and starts again on the same port. Reads never
// fail; job routes answer 503 QUEUE_UNAVAILABLE meanwhile; afterwards jobs run again and model
// signals reach the API again, without restarting anything. API keys are on: every request is
// authenticated and counted by the rate limiter, whose counts live in that Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AffinityProcess, importMovieLens100k, spawnAffinity, systemEnv, untilReady } from '../../support/affinity-process.ts';
import { load } from '../../support/load.ts';
import { freePort, startRedisServer, until, type TestRedis } from '../../support/redis.ts';

const OUTAGE_MS = 10_000;
const ADMIN_KEY = `aff_outage_${randomBytes(32).toString('base64url')}`;
const AUTH = { authorization: `Bearer ${ADMIN_KEY}` };

describe('Redis down for 10 s under traffic', () => {
  let redis: TestRedis;
  let redisPort: number;
  let dataDir: string;
  let env: Record<string, string>;
  let system: AffinityProcess;
  let base: string;

  const json = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${base}${route}`, { method, headers: { 'content-type': 'application/json', ...AUTH }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** Runs a job through the API and waits for it; returns its result. */
  async function runJob(name: string, payload: object, deadlineMs: number): Promise<Record<string, unknown>> {
    let queued = await json('POST', `/v1/admin/jobs/${name}`, payload);
    expect(queued.status).toBe(202);
    let result: Record<string, unknown> = {};
    await until(`${name} to complete`, deadlineMs, async () => {
      const job = await json('GET', `/v1/admin/jobs/${queued.body.id}`);
      result = job.body.result as Record<string, unknown>;
      return job.body.state === 'completed';
    }, 200);
    return result;
  }

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-outage-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...systemEnv(dataDir, redis.url),
      PORT: String(port),
      HOST: '127.0.0.1',
      START_MODE: 'two-processes',
      // every retrained model goes into service: the test watches the signal reach the API
      PROMOTE_TOLERANCE: '1',
      AUTH_ENABLED: 'true',
      AFFINITY_ADMIN_KEY: ADMIN_KEY,
      // limits counted (in Redis, then in the process during the outage), never reached
      RATE_LIMIT_PER_MINUTE: '10000000',
    };
    await importMovieLens100k(env);
    system = spawnAffinity(['start'], env);
    await untilReady(system, base);
    await runJob('train-recommend', { tune: false }, 120_000);
  });
  afterAll(async () => {
    await system?.stop('SIGTERM');
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every read meanwhile and recovers by itself', { timeout: 180_000 }, async () => {
    const paths = Array.from({ length: 100 }, (_, i) => [
      `/v1/users/${(i * 37) % 943 + 1}/recommendations?k=10`,
      `/v1/items/${(i * 53) % 1682 + 1}/similar?k=5`,
      `/v1/items/${(i * 29) % 1682 + 1}`,
      `/v1/search?q=${encodeURIComponent(['star wars', 'love', 'toy story', 'godfather'][i % 4]!)}&k=10`,
    ]).flat();
    const traffic = load(base, paths, { seconds: OUTAGE_MS / 1000 + 8, connections: 8, headers: AUTH });
    await new Promise((r) => setTimeout(r, 3_000));
    await redis.stop();
    const down = Date.now();

    // meanwhile: enqueueing answers 503 with its code, quickly, instead of hanging
    const asked = Date.now();
    const refused = await json('POST', '/v1/admin/jobs/rebuild-index', {});
    expect(refused.status).toBe(503);
    expect((refused.body.error as { code: string }).code).toBe('QUEUE_UNAVAILABLE');
    expect(Date.now() - asked).toBeLessThan(10_000); // the producer gives up after 3 s: it does not hang

    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    redis = await startRedisServer(redisPort);
    const out = await traffic;
    expect(out.errors, JSON.stringify(out)).toBe(0);
    expect(out.failures, JSON.stringify(out)).toEqual([]);
    expect(out.statuses['200']).toBe(out.requests);

    // recovered without a restart: the producer enqueues, the worker runs, the signal arrives
    const before = (await json('GET', '/v1/admin/models/recommend')).body.served;
    await until('the queue to accept jobs again', 30_000, async () => (await json('POST', '/v1/admin/jobs/rebuild-index', {})).status === 202, 250);
    const trained = await runJob('train-recommend', { tune: false, seed: 5 }, 120_000);
    expect(trained.status).toBe('promoted');
    expect(trained.version).not.toBe(before);
    await until('the API to serve the new version (pub/sub renewed)', 15_000, async () => (await json('GET', '/v1/admin/models/recommend')).body.served === trained.version, 100);
  });
});
