// A DELETE that lands while the item's PUT is still being embedded: the item must stay
// deleted everywhere (search, similar items, context), and of two quick PUTs the later wins.
// The encoder's batch wait is raised so that every embedding takes a few hundred ms: the
// race is then what happens every time, not once in a while.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { until } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';

describe('catalog writes racing their own embedding (SQLite, tiny encoder, in process)', () => {
  let api: Api;
  const get = (url: string) => request(api.app).get(url);
  const put = (items: object[]) => request(api.app).put('/v1/items').send({ items });

  beforeAll(async () => {
    api = composeApi(testConfig({ EMBED_MODEL: testModelDir('tiny'), DENSE_WEIGHT: '1', EMBED_MAX_WAIT_MS: '300', EMBED_MAX_BATCH: '64' }), createLogger({ level: 'silent' }), {
      defaultMetrics: false,
    });
    await api.start();
    expect((await put([{ id: 'anchor', title: 'Porcelain teapot', category: 'Kitchen' }])).status).toBe(200);
    await until('the first item to be indexed', 10_000, async () => api.recommend.live.get('anchor') !== undefined);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('an item deleted while its PUT is being embedded stays deleted on every route', async () => {
    const ghosts = Array.from({ length: 5 }, (_, i) => `ghost-${i}`);
    for (const id of ghosts) {
      expect((await put([{ id, title: `Phantom teapot ${id}`, category: 'Kitchen' }])).status).toBe(200);
      expect((await request(api.app).delete(`/v1/items/${id}`)).status).toBe(204);
    }
    // written after them, indexed after them (the encoder's queue runs in order)
    expect((await put([{ id: 'after', title: 'Stoneware teapot', category: 'Kitchen' }])).status).toBe(200);
    await until('the item written last to be indexed', 10_000, async () => api.recommend.live.get('after') !== undefined);
    expect(ghosts.filter((id) => api.recommend.live.get(id))).toEqual([]);
    const ids = (res: request.Response) => (res.body.items as Array<{ id: string }>).map((i) => i.id);
    expect(ids(await get('/v1/search?q=phantom%20teapot&k=50')).filter((id) => id.startsWith('ghost-'))).toEqual([]);
    expect(ids(await get('/v1/items/after/similar?k=50')).filter((id) => id.startsWith('ghost-'))).toEqual([]);
    expect((await get('/v1/users/u1/recommendations?k=1&context_items=ghost-0')).body.error.code).toBe('ITEM_NOT_FOUND');
  });

  it('of two quick PUTs of one item, search shows the second', async () => {
    expect((await put([{ id: 'lamp', title: 'Walrus lamp old', price: 1, description: 'word '.repeat(2000) }])).status).toBe(200);
    expect((await put([{ id: 'lamp', title: 'Walrus lamp new', price: 2 }])).status).toBe(200);
    expect((await put([{ id: 'after-lamp', title: 'Desk lamp', category: 'Kitchen' }])).status).toBe(200);
    await until('the item written last to be indexed', 10_000, async () => api.recommend.live.get('after-lamp') !== undefined);
    expect(api.recommend.live.get('lamp')).toMatchObject({ title: 'Walrus lamp new', price: 2 });
    expect((await get('/v1/search?q=walrus%20lamp&k=1')).body.items[0]).toMatchObject({ id: 'lamp', title: 'Walrus lamp new', price: 2 });
  });
});
