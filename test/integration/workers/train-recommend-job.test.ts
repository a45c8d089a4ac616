import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import { RECOMMEND_KIND } from '../../../services/recommend/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { testConfig } from '../../support/test-config.ts';

// Jobs through a real Redis (REDIS_URL; .ci/run starts one when none answers) and a real
// BullMQ worker, with the API in the same process listening for model signals.
const items = Array.from({ length: 30 }, (_, i) => ({ id: `i${i}`, title: `item ${i}`, category: i % 2 ? 'odd' : 'even', in_stock: true }));
const events = Array.from({ length: 40 }, (_, u) =>
  Array.from({ length: 5 }, (_, j) => ({ user_id: `u${u}`, item_id: `i${(u * 3 + j * (u % 2 ? 2 : 1)) % 30}`, type: 'purchase' as const, timestamp: 1_700_000_000_000 + j })),
).flat();

describe('train-recommend through the queue, promotion, hot reload, rollback', () => {
  let api: Api;
  /** A second serving process's worth of API: it hears of model changes only through Redis. */
  let other: Api;
  let workers: Workers;
  const log = createLogger({ level: 'silent' });

  async function runJob(name: string, body: object = {}): Promise<{ state: string; result: Record<string, unknown> }> {
    const res = await request(api.app).post(`/v1/admin/jobs/${name}`).send(body);
    expect(res.status).toBe(202);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const job = await request(api.app).get(`/v1/admin/jobs/${res.body.id}`);
      if (job.body.state === 'completed') return job.body;
      if (job.body.state === 'failed') throw new Error(`job ${name} failed: ${job.body.failedReason}`);
      if (Date.now() > deadline) throw new Error(`job ${name} still ${job.body.state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until both serving processes have swapped in `expected` by themselves (the pub/sub signal). */
  async function servedVersion(expected: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (api.recommend.modelVersion === expected && other.recommend.modelVersion === expected) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`version ${expected} never served everywhere (${api.recommend.modelVersion}, ${other.recommend.modelVersion})`);
  }

  beforeAll(async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), NIGHTLY_CRON: 'off', REGISTRY_KEEP_VERSIONS: '2' });
    api = composeApi(config, log, { defaultMetrics: false });
    other = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    await other.start();
    workers = await composeWorkers(config, log);
    await request(api.app).put('/v1/items').send({ items });
    await request(api.app).post('/v1/events').send({ events });
  });
  afterAll(async () => {
    await workers?.close();
    await api?.close();
    await other?.close();
  });

  let firstVersion = '';

  it('trains, promotes the first version, and every serving process picks it up', async () => {
    const job = await runJob('train-recommend', { tune: false });
    expect(job.result).toMatchObject({ status: 'promoted', pruned: [] });
    const version = job.result.version as string;
    firstVersion = version;
    const models = await request(api.app).get('/v1/admin/models/recommend');
    expect(models.body.current).toBe(version);
    await servedVersion(version);
    const recs = await request(api.app).get('/v1/users/u1/recommendations?k=3');
    expect(recs.body.strategy).toBe('personal');
    expect(recs.body.items).toHaveLength(3);
  });

  it('measures the recipe in service on the candidate’s validation users, not by the figure it recorded on other data', async () => {
    const registry = api.recommend.registry;
    const before = (await registry.current(RECOMMEND_KIND))!;
    // the model in service, recorded with a figure no candidate can reach (nDCG is at most 1),
    // as a lucky validation split on yesterday's data would have it
    const files = await Promise.all(Object.keys(before.manifest.files ?? {}).map(async (p) => ({ path: p, data: await readFile(path.join(before.dir, p)) })));
    const lucky = await registry.publish(RECOMMEND_KIND, files, { metrics: { ndcg_at_10: 1.5 }, data: {} });
    await registry.promote(RECOMMEND_KIND, lucky.manifest.version);
    // new customers arrive: other data, another validation split
    const more = Array.from({ length: 10 }, (_, u) =>
      Array.from({ length: 5 }, (_, j) => ({ user_id: `new${u}`, item_id: `i${(u * 5 + j) % 30}`, type: 'view' as const, timestamp: 1_700_000_100_000 + j })),
    ).flat();
    expect((await request(api.app).post('/v1/events').send({ events: more })).status).toBe(200);
    const job = await runJob('train-recommend', { tune: false });
    // the same recipe on the same users measures the same: the candidate goes into service
    expect(job.result).toMatchObject({ status: 'promoted', comparedOn: 'same-users' });
    expect(job.result.currentMetric).toBe(job.result.metric);
    const candidate = await registry.get(RECOMMEND_KIND, job.result.version as string);
    expect(candidate.manifest.metrics.in_service_ndcg_at_10).toBe(job.result.metric);
    expect(candidate.manifest.data.compared_with).toBe(lucky.manifest.version);
    await servedVersion(job.result.version as string);
  });

  it('keeps the current model when a candidate measures worse, recording the candidate as rejected', async () => {
    const registry = api.recommend.registry;
    const before = (await registry.current(RECOMMEND_KIND))!;
    // pretend the model in service validated better than any candidate can (nDCG is at most 1;
    // on this small, regular data set a real candidate validates near 1)
    const strong = await registry.publish(RECOMMEND_KIND, [], { metrics: { ndcg_at_10: 1.5 }, data: {} });
    await registry.promote(RECOMMEND_KIND, strong.manifest.version);
    const job = await runJob('train-recommend', { tune: false });
    // it has no recipe to train again, so its own recorded figure is all there is to compare
    expect(job.result).toMatchObject({ status: 'rejected', comparedOn: 'own-data', currentMetric: 1.5 });
    expect((await registry.current(RECOMMEND_KIND))!.manifest.version).toBe(strong.manifest.version);
    const rejected = await registry.get(RECOMMEND_KIND, job.result.version as string);
    expect(rejected.manifest.status).toBe('rejected');
    expect(rejected.manifest.note).toMatch(/validation nDCG@10 .* is more than 0\.005 below 1\.5000, .* on its own data/);
    // REGISTRY_KEEP_VERSIONS 2: of the three versions once in service, the oldest goes
    expect(job.result.pruned).toEqual([firstVersion]);
    await expect(registry.get(RECOMMEND_KIND, firstVersion)).rejects.toMatchObject({ code: 'REGISTRY_VERSION_NOT_FOUND' });
    // put the real model back for the next test
    await registry.promote(RECOMMEND_KIND, before.manifest.version);
  });

  it('rolls back to the previous version in every serving process', async () => {
    const first = (await api.recommend.registry.current(RECOMMEND_KIND))!.manifest.version;
    const job = await runJob('train-recommend', { tune: false, seed: 7 });
    expect(job.result.status).toBe('promoted');
    await servedVersion(job.result.version as string);
    const res = await request(api.app).post('/v1/admin/models/recommend/rollback');
    expect(res.status).toBe(200);
    expect(res.body.current).toBe(first);
    await servedVersion(first);
  });

  it('shows the queues and their jobs in Bull Board at /admin/queues', async () => {
    const page = await request(api.app).get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.text).toContain('__UI_CONFIG__');
    const queues = await request(api.app).get('/admin/queues/api/queues').query({ activeQueue: 'affinity-train', status: 'completed' });
    expect(queues.status).toBe(200);
    const train = queues.body.queues.find((q: { name: string }) => q.name === 'affinity-train');
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['affinity-refresh', 'affinity-train']);
    expect(train.counts.completed).toBeGreaterThanOrEqual(3);
  });

  it('answers coded errors for unknown jobs, bad payloads and unknown ids', async () => {
    expect((await request(api.app).post('/v1/admin/jobs/make-coffee').send({})).body.error.code).toBe('JOB_UNKNOWN');
    expect((await request(api.app).post('/v1/admin/jobs/train-recommend').send({ seed: 'x' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await request(api.app).get('/v1/admin/jobs/999999')).body.error.code).toBe('JOB_NOT_FOUND');
    expect((await request(api.app).post('/v1/admin/models/recommend/promote').send({ version: '../../etc' })).body.error.code).toBe('REGISTRY_INVALID_NAME');
    expect((await request(api.app).get('/v1/admin/models/Bad%20Kind')).body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('with Redis unreachable', () => {
  it('still serves reads, and job routes answer 503 QUEUE_UNAVAILABLE instead of hanging', async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: 'redis://127.0.0.1:1' });
    const api = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    try {
      await api.start();
      await request(api.app).put('/v1/items').send({ items: [{ id: 'a', title: 'blue mug' }] });
      expect((await request(api.app).get('/v1/items/a')).status).toBe(200);
      const res = await request(api.app).post('/v1/admin/jobs/rebuild-index').send({});
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('QUEUE_UNAVAILABLE');
    } finally {
      await api.close();
    }
  });
});
