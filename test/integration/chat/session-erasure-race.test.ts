import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../../services/chat/sessions/session-store.ts';
import { RedisSessionStore } from '../../../services/chat/sessions/redis-session-store.ts';
import { createRedis, type RedisClient } from '../../../shared/redis/index.ts';
import { deleteKeysUnder, testRedis, type TestRedis } from '../../support/redis.ts';

const state = (userId: string): SessionState =>
  ({ user_id: userId, slots: {}, turns: 0, handoffs: 0, created_at: Date.now(), updated_at: Date.now() }) as unknown as SessionState;

/** A store whose user index is read, then a session is started for that user before the erasure goes on. */
class StartsOneDuringErasure extends RedisSessionStore {
  started: string | undefined;
  override async sessionsOf(userId: string): Promise<string[]> {
    const ids = await super.sessionsOf(userId);
    this.started ??= await this.create(state(userId));
    return ids;
  }
}

// Real Redis: erasing a user while one of their sessions starts keeps that session in their index.
describe('chat session erasure with a session starting at the same time', () => {
  let server: TestRedis;
  let redis: RedisClient;
  const prefix = `test-${randomUUID()}:`;

  beforeAll(async () => {
    server = await testRedis();
    redis = createRedis(server.url, { keyPrefix: prefix });
    await redis.connect();
  });
  afterAll(async () => {
    await deleteKeysUnder(server.url, prefix);
    await redis.close();
    await server.stop();
  });

  it('erases the sessions it found; the one started meanwhile stays findable, so a second erasure takes it', async () => {
    const store = new StartsOneDuringErasure(redis, 600);
    const first = await store.create(state('ann'));
    const erased = await store.eraseUser('ann');
    expect(erased).toMatchObject({ sessions: 1, sessionIds: [first] });
    expect(await store.load(first)).toBeUndefined();
    expect(store.started).toBeDefined();
    expect(await store.sessionsOf('ann')).toEqual([store.started]);
    expect((await store.eraseUser('ann')).sessionIds).toEqual([store.started]);
    expect(await store.load(store.started!)).toBeUndefined();
    expect(await store.sessionsOf('ann')).toEqual([]);
  });
});
