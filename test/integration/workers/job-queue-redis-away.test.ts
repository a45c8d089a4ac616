// The producer side of the queues when Redis is not there yet, or goes away while it closes: a
// real redis-server started late on a port that first refused, never a mock.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../shared/queues/index.ts';
import type { RedisClient } from '../../../shared/redis/index.ts';
import { freePort, startRedisServer, until, type TestRedis } from '../../support/redis.ts';

/** The queue's one connection (private): the test waits on its events to time the close. */
const connectionOf = (queue: JobQueue) => (queue as unknown as { client: RedisClient }).client.connection;

const nextEvent = (emitter: { once(event: string, fn: () => void): unknown }, event: string) => new Promise<void>((resolve) => emitter.once(event, () => resolve()));

describe('JobQueue with Redis away', () => {
  let redis: TestRedis | undefined;
  let queue: JobQueue | undefined;

  afterEach(async () => {
    await queue?.close();
    await redis?.stop();
    queue = undefined;
    redis = undefined;
  });

  it('first used while Redis is down, it works once Redis comes up; what it refused is never added later', async () => {
    const port = await freePort();
    queue = new JobQueue(`redis://127.0.0.1:${port}`, `test-${randomUUID()}`);
    await expect(queue.enqueue('rebuild-index', {})).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    // schedules wait for Redis instead of failing
    const scheduled = queue.scheduleNightly('0 3 * * *', 'UTC');

    redis = await startRedisServer(port);
    let id = '';
    await until('an enqueue to succeed', 15_000, async () => {
      id = await queue!.enqueue('rebuild-index', {});
      return true;
    });
    await scheduled;

    expect((await queue.get(id))?.name).toBe('rebuild-index');
    const refresh = (await queue.counts()).find((q) => q.name === 'affinity-refresh')!;
    // only the accepted job: the refused ones did not wait inside BullMQ to run when Redis came
    expect(refresh.counts.waiting + refresh.counts.prioritized).toBe(1);
    const schedulers = await queue.queue('affinity-train').getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'nightly', pattern: '0 3 * * *' })]);
  });

  it('closed while it is reconnecting, its queues still waiting for Redis, it leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const port = await freePort(); // nothing listens: every connection attempt is refused
      queue = new JobQueue(`redis://127.0.0.1:${port}`, `test-${randomUUID()}`);
      queue.queue('affinity-refresh');
      const connection = connectionOf(queue);
      await nextEvent(connection, 'reconnecting');
      // a second queue starts waiting while the client is between attempts…
      queue.queue('affinity-train');
      // …sees an attempt fail (BullMQ keeps that error to reject its start with, at the end)…
      await nextEvent(connection, 'error');
      // …and the close comes while the next attempt is under way: its socket closes with an 'end'
      await nextEvent(connection, 'connecting');
      expect(connection.status).toBe('connecting');
      await queue.close();
      queue = undefined;
      expect(connection.status).toBe('end');
      // rejections are reported once the microtasks of the turn have run
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
