// `affinity train recommend` against a running API: the version it promotes is announced over a
// real Redis and the API serves it without a restart, as after a worker's training.
import { Command } from 'commander';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerTrainCommands } from '../../../bin/commands/train.command.ts';
import { createRedis } from '../../../shared/redis/index.ts';
import { until } from '../../support/redis.ts';
import { startChatApi, type ChatTestApi } from '../chat/chat-test-api.ts';

/** Runs the command in process with the API's configuration; returns its last-line JSON. */
async function trainRecommend(t: ChatTestApi): Promise<{ version: string; promoted: boolean; announced: boolean }> {
  const out: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  for (const key of ['AFFINITY_DATA_DIR', 'AFFINITY_SHARED_DIR', 'REDIS_URL', 'REDIS_PREFIX', 'LOG_LEVEL'] as const) vi.stubEnv(key, String(t.config[key]));
  try {
    const program = new Command('affinity').exitOverride();
    registerTrainCommands(program);
    await program.parseAsync(['node', 'affinity', 'train', 'recommend', '--no-tune', '--json']);
  } finally {
    so.mockRestore();
    se.mockRestore();
    vi.unstubAllEnvs();
  }
  return JSON.parse(out.join('').trim().split('\n').at(-1)!);
}

describe('affinity train recommend with an API running', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('announces the version it promotes, and the API serves it at once', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, title: `item ${i}`, category: i < 6 ? 'a' : 'b' }));
    expect((await request(t.api.app).put('/v1/items').send({ items })).status).toBe(200);
    const events = Array.from({ length: 10 }, (_, u) => [0, 1, 2].map((j) => ({ user_id: `u${u}`, item_id: `i${(u % 2) * 6 + ((u + j) % 6)}`, type: 'purchase' }))).flat();
    expect((await request(t.api.app).post('/v1/events').send({ events })).status).toBe(200);
    expect(t.api.recommend.modelVersion).toBeUndefined();

    // the API's subscription must be up before the command announces
    const admin = createRedis(t.redis.url, { role: 'worker' });
    await admin.connect();
    try {
      await until('the API to subscribe to signals', 10_000, async () => {
        const counts = (await admin.run((c) => c.pubsub('NUMSUB', `${t.config.REDIS_PREFIX}:signals:models`))) as Array<string | number>;
        return Number(counts[1]) > 0;
      });
    } finally {
      await admin.close();
    }

    const result = await trainRecommend(t);
    expect(result).toMatchObject({ promoted: true, announced: true });
    await until('the API to serve the new version', 10_000, async () => t.api.recommend.modelVersion === result.version);
    const recs = await request(t.api.app).get('/v1/users/u0/recommendations?k=3');
    expect(recs.body.strategy).toBe('personal');
    expect(recs.body.items.length).toBe(3);
  });
});
