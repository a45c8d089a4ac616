// The same job asked for twice while it waits runs once; asked for while it runs, it runs again
// afterwards (that run may have read its data before the request). A real Redis and BullMQ
// worker; the handler is the test's own, so it can hold a job active.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logging/logger.ts';
import { JobQueue, startJobWorkers } from '../../../shared/queues/index.ts';
import { testRedis, until, type TestRedis } from '../../support/redis.ts';

describe('job deduplication', () => {
  let redis: TestRedis;
  let queue: JobQueue;
  const prefix = `test-${randomUUID()}`;

  beforeAll(async () => {
    redis = await testRedis();
    queue = new JobQueue(redis.url, prefix);
  });
  afterAll(async () => {
    await queue.close();
    await redis.stop();
  });

  it('waiting: one job per name and payload; running: the next request gets a job of its own', { timeout: 30_000 }, async () => {
    const first = await queue.submit('train-intents', {});
    expect(first.deduplicated).toBe(false);
    // the same job again is the waiting one
    expect(await queue.submit('train-intents', {})).toEqual({ id: first.id, deduplicated: true });
    const seeded = await queue.submit('train-intents', { seed: 7 });
    expect(seeded.deduplicated).toBe(false);
    expect(seeded.id).not.toBe(first.id);
    expect(await queue.submit('train-intents', { seed: 7 })).toEqual({ id: seeded.id, deduplicated: true });
    // another job name never shares a mark
    expect((await queue.submit('train-sentiment', {})).deduplicated).toBe(false);
    // a payload with its keys in another order is the same payload
    const tuned = await queue.submit('train-recommend', { seed: 1, tune: false });
    expect(await queue.submit('train-recommend', { tune: false, seed: 1 })).toEqual({ id: tuned.id, deduplicated: true });

    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const workers = startJobWorkers({
      redisUrl: redis.url,
      prefix,
      log: createLogger({ level: 'silent' }),
      handlers: {
        'train-intents': async (payload, ctx) => {
          ran.push(`${ctx.jobId}:${payload.seed ?? '-'}`);
          await gate;
          return { status: 'done' };
        },
        'train-sentiment': async () => ({ status: 'done' }),
        'train-recommend': async () => ({ status: 'done' }),
      },
    });
    try {
      await until('the first job to be running', 10_000, async () => ran.length === 1);
      // the handler knows its job by the id the API gave out
      expect(ran).toEqual([`${first.id}:-`]);
      // asked for again while it runs: a new job, waiting behind it, which later requests join
      const during = await queue.submit('train-intents', {});
      expect(during).toMatchObject({ deduplicated: false });
      expect(during.id).not.toBe(first.id);
      expect(await queue.submit('train-intents', {})).toEqual({ id: during.id, deduplicated: true });
      release();
      await until('every job to finish', 20_000, async () => (await queue.get(during.id))?.state === 'completed');
      expect(ran.sort()).toEqual([`${first.id}:-`, `${seeded.id}:7`, `${during.id}:-`].sort());
      // once it ran, the same request queues a new job
      expect((await queue.submit('train-intents', {})).deduplicated).toBe(false);
    } finally {
      release();
      await workers.close();
    }
  });
});
