// What the recommend service keeps between requests, bounded and reused: the popular items it
// falls back to without a model (read from every event, so not at every request), and a user's
// content neighbour lists (one per filter asked for, the last few only).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { until } from '../../support/redis.ts';
import { seedShop, SHOP_ITEMS } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';

describe('recommend service caches (no model in service, dense evidence on)', () => {
  let api: Api;
  const get = (url: string) => request(api.app).get(url);

  beforeAll(async () => {
    api = composeApi(testConfig({ EMBED_MODEL: testModelDir('tiny'), DENSE_WEIGHT: '1', CHAT_STARTUP_TRAINING: 'off' }), createLogger({ level: 'silent' }), { defaultMetrics: false });
    await api.start();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('reads the popular items once for many users, but not while there are none', async () => {
    const read = vi.spyOn(api.recommend.repository, 'popularItemIds');
    try {
      // no events yet: an empty answer, read again next time
      expect((await get('/v1/users/nobody-1/recommendations?k=5')).body).toMatchObject({ strategy: 'popular', items: [] });
      await seedShop(api.app);
      await until('the items to be indexed', 10_000, async () => api.recommend.live.size === SHOP_ITEMS.length);
      const first = (await get('/v1/users/nobody-2/recommendations?k=5')).body.items;
      expect(first).toHaveLength(5);
      for (let u = 3; u < 20; u++) expect((await get(`/v1/users/nobody-${u}/recommendations?k=${1 + (u % 10)}`)).status).toBe(200);
      expect(read).toHaveBeenCalledTimes(2);
    } finally {
      read.mockRestore();
    }
  });

  it("keeps a user's neighbour lists for the last 16 filters: an old filter is searched again, a recent one is not", async () => {
    const nearest = vi.spyOn(api.recommend.live, 'nearest');
    try {
      const ask = async (maxPrice: number) => expect((await get(`/v1/users/u1/recommendations?k=3&max_price=${maxPrice}`)).status).toBe(200);
      for (let p = 10; p < 40; p++) await ask(p);
      expect(nearest).toHaveBeenCalledTimes(30);
      await ask(39); // among the last 16
      expect(nearest).toHaveBeenCalledTimes(30);
      await ask(10); // long evicted
      expect(nearest).toHaveBeenCalledTimes(31);
    } finally {
      nearest.mockRestore();
    }
  });
});
