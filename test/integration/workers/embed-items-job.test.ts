import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { until } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';

// Two serving processes' worth of API (each its own live catalog and indexes) over one
// database, a real Redis and a BullMQ worker: an item upserted through one is found through
// the other once the embed-items job has announced it.
const base = [
  { id: 'lamp-1', title: 'zephyr lantern classic', category: 'lamps', in_stock: true },
  { id: 'lamp-2', title: 'desk lamp with clamp', category: 'lamps', in_stock: true },
  { id: 'mug-1', title: 'ceramic coffee mug', category: 'kitchen', in_stock: true },
  { id: 'mug-2', title: 'travel mug steel', category: 'kitchen', in_stock: true },
];

describe('embed-items: fresh items reach every serving process', () => {
  let a: Api;
  let b: Api;
  let workers: Workers;
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), NIGHTLY_CRON: 'off' });
    a = composeApi(config, log, { defaultMetrics: false });
    b = composeApi(config, log, { defaultMetrics: false });
    await a.start();
    await b.start();
    workers = await composeWorkers(config, log);
    expect((await request(a.app).put('/v1/items').send({ items: base })).status).toBe(200);
    // the base items reach b through the same path
    await until('base items in b', 10_000, async () => b.recommend.live.size === base.length);
  });
  afterAll(async () => {
    await workers?.close();
    await a?.close();
    await b?.close();
  });

  it('an item upserted through one process is searchable and similar-able through the other within 5 s', async () => {
    const started = Date.now();
    const put = await request(a.app)
      .put('/v1/items')
      .send({ items: [{ id: 'lamp-3', title: 'zephyr lantern brass', description: 'a hanging lantern', category: 'lamps', in_stock: true }] });
    expect(put.status).toBe(200);
    for (const api of [a, b]) {
      await until(
        'search hit',
        5_000,
        async () => {
          const res = await request(api.app).get('/v1/search').query({ q: 'brass lantern', k: 3 });
          return res.status === 200 && res.body.items.some((i: { id: string }) => i.id === 'lamp-3');
        },
      );
      await until(
        'similar hit',
        5_000,
        async () => {
          const res = await request(api.app).get('/v1/items/lamp-1/similar').query({ k: 3 });
          return res.status === 200 && res.body.items.some((i: { id: string }) => i.id === 'lamp-3');
        },
      );
      const own = await request(api.app).get('/v1/items/lamp-3/similar').query({ k: 2 });
      expect(own.status).toBe(200);
      expect(own.body.items.map((i: { id: string }) => i.id)).toContain('lamp-1');
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    // the worker stored the vector: a restart or another process reads it rather than embedding again
    const stored = await a.db.all<{ item_id: string }>('SELECT item_id FROM item_vectors WHERE item_id = ?', ['lamp-3']);
    expect(stored).toHaveLength(1);
  });

  it('a batch is embedded once: the job is queued after the writing process stored its vectors, and the worker embeds none', async () => {
    const enqueue = vi.spyOn(a.queue, 'enqueue');
    try {
      const items = Array.from({ length: 40 }, (_, i) => ({ id: `batch-${i}`, title: `woven basket number ${i}`, category: 'baskets', in_stock: true }));
      expect((await request(a.app).put('/v1/items').send({ items })).status).toBe(200);
      await until('the embed-items job queued', 10_000, async () => enqueue.mock.results.length === 1);
      const id = await (enqueue.mock.results[0]!.value as Promise<string>);
      let result: unknown;
      await until('the job done', 10_000, async () => ((result = (await a.queue.get(id))?.result), result !== null && result !== undefined));
      expect(result).toEqual({ status: 'done', items: 40, embedded: 0 });
      await until('the batch in b', 10_000, async () => b.recommend.live.get('batch-39') !== undefined);
    } finally {
      enqueue.mockRestore();
    }
  });

  it('an item deleted through one process disappears from the other', async () => {
    expect((await request(b.app).delete('/v1/items/mug-2')).status).toBe(204);
    await until(
      'gone from a',
      5_000,
      async () => {
        const res = await request(a.app).get('/v1/search').query({ q: 'travel mug steel', k: 5 });
        return !res.body.items.some((i: { id: string }) => i.id === 'mug-2');
      },
    );
    expect((await request(a.app).get('/v1/items/mug-2/similar')).status).toBe(404);
    expect(await a.db.all('SELECT item_id FROM item_vectors WHERE item_id = ?', ['mug-2'])).toHaveLength(0);
  });

  it('a job queued behind the API with a bad payload fails at once (not retried), and the queue board adds no jobs', async () => {
    // as a script on the same Redis, or the board's "add job", would queue it: unchecked
    const job = await a.queue.queue('affinity-refresh').add('embed-items', { itemIds: 'lamp-1' });
    await until('the job to fail', 10_000, async () => (await job.getState()) === 'failed');
    const failed = (await a.queue.queue('affinity-refresh').getJob(job.id!))!;
    expect(failed.failedReason).toMatch(/^VALIDATION_FAILED: bad payload for embed-items: itemIds /);
    expect(failed.attemptsMade).toBe(1);

    const add = await request(a.app).post('/admin/queues/api/queues/affinity-refresh/add').send({ name: 'embed-items', data: { itemIds: 'lamp-1' } });
    expect([add.status, add.body.error?.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(await a.queue.queue('affinity-refresh').getWaitingCount()).toBe(0);
    // retrying a failed job stays possible from the board
    expect((await request(a.app).put(`/admin/queues/api/queues/affinity-refresh/${job.id}/retry`)).status).toBe(204);
  });
});
