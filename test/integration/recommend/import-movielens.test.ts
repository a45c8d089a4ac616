// `affinity import movielens` next to a running API: the API is told over Redis and rebuilds
// its catalog index from the database, so the imported films are searchable without a restart.
import path from 'node:path';
import { Command } from 'commander';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImportCommands } from '../../../bin/commands/import.command.ts';
import { lastJsonLine, runCliInProcess } from '../../support/cli-in-process.ts';
import { sharedDir } from '../../support/paths.ts';
import { until, untilSignalsSubscribed } from '../../support/redis.ts';
import { startChatApi, type ChatTestApi } from '../chat/chat-test-api.ts';

const ML100K = path.join(sharedDir(), 'data', 'movielens-100k');

function program(): Command {
  const p = new Command('affinity').exitOverride();
  registerImportCommands(p);
  return p;
}

describe('affinity import movielens with the API running', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports ML-100K and the running API reindexes the catalog when told over Redis', { timeout: 120_000 }, async () => {
    await untilSignalsSubscribed(t.redis.url, t.config.REDIS_PREFIX);
    const search = () => request(t.api.app).get('/v1/search').query({ q: 'star wars', k: 3 });
    expect((await search()).body.items).toEqual([]);
    const revision = t.api.recommend.live.revision;

    const stdout = await runCliInProcess(program(), ['import', 'movielens', '--data', ML100K, '--json'], t.config);
    expect(lastJsonLine<{ items: number; events: number; announced: boolean }>(stdout)).toMatchObject({ items: 1682, events: 100_000, announced: true });

    // the reload ends with the swap of the rebuilt index, which moves the revision on
    await until('the API to reindex the catalog', 60_000, async () => t.api.recommend.live.revision !== revision);
    expect(t.api.recommend.live.size).toBe(1682);
    expect((await search()).body.items[0]).toMatchObject({ id: '50', title: 'Star Wars (1977)' });
    const similar = await request(t.api.app).get('/v1/items/50/similar').query({ k: 3 });
    expect(similar.status).toBe(200);
    expect(similar.body.items).toHaveLength(3);
  });
});
