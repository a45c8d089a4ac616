// `rebuild-index` over a real Redis: the job is done only once every API process that heard
// the announcement has rebuilt its index, and it fails, naming them, when one reports a failure
// or does not answer in time. The first test runs two real API processes' worth of composed
// API (each subscribed to the model signals) and the job through a real BullMQ worker.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import { rebuildIndexJob } from '../../../services/recommend/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { ModelSignals, type JobContext } from '../../../shared/queues/index.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, testRedis, untilSignalsSubscribed, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';

const log = createLogger({ level: 'silent' });

describe('rebuild-index waits for every API process', () => {
  let redis: TestRedis;
  let api: Api;
  let other: Api;
  let workers: Workers;
  let prefix: string;

  beforeAll(async () => {
    redis = await testRedis();
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, NIGHTLY_CRON: 'off', DENSE_WEIGHT: '1' });
    prefix = config.REDIS_PREFIX;
    api = composeApi(config, log, { defaultMetrics: false });
    other = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    await other.start();
    await untilSignalsSubscribed(redis.url, prefix, 2);
    workers = await composeWorkers(config, log);
    const items = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, title: `item ${i}` }));
    expect((await request(api.app).put('/v1/items').send({ items })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await workers?.close();
    await api?.close();
    await other?.close();
    await deleteKeysUnder(redis.url, `${prefix}:`);
    await redis.stop();
  });

  it('reports done, with the number of processes, only after both have swapped in a fresh index', async () => {
    const before = [api.recommend.live.revision, other.recommend.live.revision];
    const queued = await request(api.app).post('/v1/admin/jobs/rebuild-index').send({});
    expect(queued.status).toBe(202);
    let job: { state: string; result: { status: string; processes: number } | null; progress: { stage: string; percent: number } | null; failedReason: string | null };
    const deadline = Date.now() + 60_000;
    for (;;) {
      job = (await request(api.app).get(`/v1/admin/jobs/${queued.body.id}`)).body;
      if (job.state === 'completed' || job.state === 'failed' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect([job.state, job.failedReason]).toEqual(['completed', null]);
    // by the time it says done, both processes have loaded the catalog again
    expect(api.recommend.live.revision).toBeGreaterThan(before[0]!);
    expect(other.recommend.live.revision).toBeGreaterThan(before[1]!);
    expect(job.result).toMatchObject({ status: 'done', processes: 2 });
    expect(job.progress).toEqual({ stage: 'rebuilt in 2 of 2 API process(es)', percent: 100 });
  });
});

describe('rebuild-index when a process fails or does not answer', () => {
  let redis: TestRedis;
  let prefix: string;
  const opened: ModelSignals[] = [];
  const signalsOf = () => {
    const s = new ModelSignals(redis.url, prefix, log);
    opened.push(s);
    return s;
  };
  const ctx = (progress: string[]): JobContext => ({ jobId: 'refresh-1', attempt: 1, log, progress: async (stage) => void progress.push(stage) });

  beforeAll(async () => {
    redis = await testRedis();
    prefix = `test-${randomUUID()}`;
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await deleteKeysUnder(redis.url, `${prefix}:`);
    await redis.stop();
  });

  it('fails with CATALOG_INDEX_REBUILD_FAILED naming the process that failed and counting the one that never answered', async () => {
    let releaseSlow!: () => void;
    const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
    // three stand-ins for API processes: one rebuilds, one fails, one is still busy when the wait ends
    await signalsOf().subscribe(async () => undefined);
    await signalsOf().subscribe(async () => {
      throw new Error('disk full');
    });
    await signalsOf().subscribe(() => slowDone);
    await untilSignalsSubscribed(redis.url, prefix, 3);
    const progress: string[] = [];
    const run = rebuildIndexJob(signalsOf(), { waitMs: 1500 })({}, ctx(progress));
    await expect(run).rejects.toMatchObject({
      code: 'CATALOG_INDEX_REBUILD_FAILED',
      message: expect.stringMatching(/^rebuilt in 1 of 3 API processes; process \d+: disk full; 1 did not answer within 2 s$/),
      details: { processes: 3, silent: 1, failed: [{ pid: process.pid, error: 'disk full' }] },
    });
    expect(progress[0]).toBe('announced to 3 API process(es); waiting for their rebuilds');
    expect(progress).toContain('rebuilt in 2 of 3 API process(es)');
    releaseSlow();
  });

  it('is done at once when no API process is listening', async () => {
    const lonely = new ModelSignals(redis.url, `test-${randomUUID()}`, log);
    opened.push(lonely);
    const progress: string[] = [];
    await expect(rebuildIndexJob(lonely)({}, ctx(progress))).resolves.toMatchObject({ status: 'done', processes: 0 });
    expect(progress).toEqual(['no API process is running: each builds its index when it starts']);
  });
});
