// `affinity train recommend` against a running API: the version it promotes is announced over a
// real Redis and the API serves it without a restart, as after a worker's training.
import { Command } from 'commander';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRecommender, RECOMMEND_KIND } from '../../../services/recommend/training/train-from-catalog.ts';
import { registerTrainCommands } from '../../../bin/commands/train.command.ts';
import { lastJsonLine, runCliInProcess } from '../../support/cli-in-process.ts';
import { until, untilSignalsSubscribed } from '../../support/redis.ts';
import { startChatApi, type ChatTestApi } from '../chat/chat-test-api.ts';

function program(): Command {
  const p = new Command('affinity').exitOverride();
  registerTrainCommands(p);
  return p;
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
    await untilSignalsSubscribed(t.redis.url, t.config.REDIS_PREFIX);
    const stdout = await runCliInProcess(program(), ['train', 'recommend', '--no-tune', '--json'], t.config);
    const result = lastJsonLine<{ version: string; promoted: boolean; announced: boolean }>(stdout);
    expect(result).toMatchObject({ promoted: true, announced: true });
    await until('the API to serve the new version', 10_000, async () => t.api.recommend.modelVersion === result.version);
    const recs = await request(t.api.app).get('/v1/users/u0/recommendations?k=3');
    expect(recs.body.strategy).toBe('personal');
    expect(recs.body.items.length).toBe(3);
  });

  it('leaves EASE out above RECOMMEND_EASE_MAX_ITEMS (12 items here)', async () => {
    const sourcesOf = async (version: string) => {
      const found = (await t.api.recommend.registry.list(RECOMMEND_KIND)).find((v) => v.manifest.version === version)!;
      return (await loadRecommender(found)).sources.map((s) => s.name);
    };
    const trained = async () => lastJsonLine<{ version: string }>(await runCliInProcess(program(), ['train', 'recommend', '--no-tune', '--json'], t.config)).version;
    expect(await sourcesOf(await trained())).toContain('ease');
    vi.stubEnv('RECOMMEND_EASE_MAX_ITEMS', '11');
    expect(await sourcesOf(await trained())).not.toContain('ease');
  });
});
