import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { trainFromCatalog } from '../../../services/recommend/index.ts';
import { TrainedRecommender } from '../../../services/recommend/models/trained-recommender.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { testConfig } from '../../support/test-config.ts';

// The recommend API end to end, in process, over a real SQLite file and the tiny encoder.
const CATEGORIES = ['Shoes', 'Books', 'Kitchen'] as const;
const WORDS: Record<(typeof CATEGORIES)[number], string[]> = {
  Shoes: ['running shoe', 'trail shoe', 'leather boot', 'sandal', 'sneaker'],
  Books: ['mystery novel', 'cook book', 'travel guide', 'poetry book', 'history book'],
  Kitchen: ['coffee mug', 'frying pan', 'chef knife', 'tea pot', 'cutting board'],
};

const items = CATEGORIES.flatMap((category, c) =>
  Array.from({ length: 20 }, (_, i) => ({
    id: `${category.toLowerCase()}-${i}`,
    title: `${WORDS[category][i % 5]} ${i}`,
    description: `A ${WORDS[category][i % 5]} from our ${category.toLowerCase()} range`,
    category,
    price: 10 + c * 20 + i,
    in_stock: i % 4 !== 3,
  })),
);

// users 0–19 like one category each; every user rates 6 items of it and views one of another
const events = Array.from({ length: 30 }, (_, u) => {
  const cat = CATEGORIES[u % 3]!.toLowerCase();
  return [
    ...Array.from({ length: 6 }, (_, j) => ({ user_id: `u${u}`, item_id: `${cat}-${(u + j * 3) % 20}`, type: 'rating' as const, value: 5, timestamp: 1_700_000_000_000 + u * 1000 + j })),
    { user_id: `u${u}`, item_id: `${CATEGORIES[(u + 1) % 3]!.toLowerCase()}-0`, type: 'view' as const, timestamp: 1_700_000_100_000 },
  ];
}).flat();

describe('recommend API (SQLite, tiny encoder, in process)', () => {
  let api: Api;
  const get = (url: string) => request(api.app).get(url);

  beforeAll(async () => {
    api = composeApi(testConfig({ EMBED_MODEL: testModelDir('tiny'), DENSE_WEIGHT: '1' }), createLogger({ level: 'silent' }), { defaultMetrics: false });
    await api.start();
    expect((await request(api.app).put('/v1/items').send({ items })).status).toBe(200);
    expect((await request(api.app).post('/v1/events').send({ events })).body).toEqual({ accepted: events.length, duplicates: 0 });
    await trainFromCatalog(api.recommend.repository, api.recommend.registry, { tune: false, seed: 1 });
    expect(await api.recommend.reloadModel()).toMatch(/^v\d/);
    // the upserts above index in the background: wait until every item is live
    const deadline = Date.now() + 20_000;
    while (api.recommend.live.size < items.length && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(api.recommend.live.size).toBe(items.length);
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('catalog and events', () => {
    it('reads an item back and answers 404 ITEM_NOT_FOUND for an unknown one', async () => {
      const res = await get('/v1/items/shoes-1');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'shoes-1', category: 'Shoes', price: 11, in_stock: true });
      expect((await get('/v1/items/ghost')).body.error.code).toBe('ITEM_NOT_FOUND');
    });

    it('refuses an attribute named __proto__ rather than dropping it, and keeps constructor', async () => {
      const body = '{"items":[{"id":"proto-1","title":"Odd","attributes":{"__proto__":"x","constructor":"y"}}]}';
      const refused = await request(api.app).put('/v1/items').set('content-type', 'application/json').send(body);
      expect([refused.status, refused.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(refused.body.error.message).toContain('__proto__');
      expect((await get('/v1/items/proto-1')).status).toBe(404);
      expect((await request(api.app).put('/v1/items').send({ items: [{ id: 'proto-1', title: 'Odd', attributes: { constructor: 'y' } }] })).status).toBe(200);
      expect((await get('/v1/items/proto-1')).body.attributes).toEqual({ constructor: 'y' });
      expect((await request(api.app).delete('/v1/items/proto-1')).status).toBe(204);
    });

    it('rejects a whole event batch naming an unknown item, storing none of it', async () => {
      const before = await api.recommend.repository.countEvents();
      const res = await request(api.app)
        .post('/v1/events')
        .send({ events: [{ user_id: 'x', item_id: 'shoes-1', type: 'view' }, { user_id: 'x', item_id: 'ghost', type: 'view' }] });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'EVENT_ITEM_UNKNOWN', details: { item_ids: ['ghost'] } });
      expect(await api.recommend.repository.countEvents()).toBe(before);
    });

    it('400 EVENT_TIMESTAMP_IN_FUTURE for an event dated more than a day ahead, and nothing is stored', async () => {
      const before = await api.recommend.repository.countEvents();
      const soon = new Date(Date.now() + 3600_000).toISOString();
      const later = Date.now() + 2 * 86_400_000;
      const res = await request(api.app)
        .post('/v1/events')
        .send({ events: [{ user_id: 'clock', item_id: 'shoes-1', type: 'view', timestamp: soon }, { user_id: 'clock', item_id: 'shoes-2', type: 'view', timestamp: later }] });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'EVENT_TIMESTAMP_IN_FUTURE', details: { index: 1, timestamp: new Date(later).toISOString() } });
      expect(await api.recommend.repository.countEvents()).toBe(before);
      // an hour of clock drift is accepted
      const ok = await request(api.app).post('/v1/events').send({ events: [{ user_id: 'clock', item_id: 'shoes-1', type: 'view', timestamp: soon }] });
      expect(ok.body).toEqual({ accepted: 1, duplicates: 0 });
    });

    it('stores a retried event_id once', async () => {
      const batch = { events: [{ user_id: 'r', item_id: 'books-2', type: 'purchase', event_id: 'order-77' }] };
      expect((await request(api.app).post('/v1/events').send(batch)).body).toEqual({ accepted: 1, duplicates: 0 });
      expect((await request(api.app).post('/v1/events').send(batch)).body).toEqual({ accepted: 0, duplicates: 1 });
    });

    it.each([
      ['a rating without a value', { events: [{ user_id: 'a', item_id: 'shoes-1', type: 'rating' }] }],
      ['an unknown event type', { events: [{ user_id: 'a', item_id: 'shoes-1', type: 'like' }] }],
      ['a negative price', { items: [{ id: 'z', title: 'Z', price: -1 }] }],
      ['an unknown field', { items: [{ id: 'z', title: 'Z', colour: 'red' }] }],
      ['an id with a control character', { items: [{ id: 'a\u0001b', title: 'Z' }] }],
      // JSON can carry a lone surrogate ("\ud800"); UTF-8 storage cannot, and would keep a mangled id no route finds
      ['a title with a lone surrogate', { items: [{ id: 'z', title: 'Z\ud800' }] }],
      // PostgreSQL cannot store a NUL in text: refused on every backend alike
      ['a title with a NUL character', { items: [{ id: 'z', title: 'Z\u0000' }] }],
      ['a user id with a lone surrogate', { events: [{ user_id: 'a\udc00', item_id: 'shoes-1', type: 'view' }] }],
      ['an ISO date before 1970', { events: [{ user_id: 'a', item_id: 'shoes-1', type: 'view', timestamp: '0000-01-01T00:00:00Z' }] }],
    ])('400 VALIDATION_FAILED for %s, and nothing changes', async (_what, body) => {
      const url = 'events' in body ? '/v1/events' : '/v1/items';
      const res = await request(api.app)[url === '/v1/items' ? 'put' : 'post'](url).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect((await get('/v1/items/z')).status).toBe(404);
    });
  });

  describe('recommendations', () => {
    it('gives a known user items of their taste with reasons, never what they rated', async () => {
      const res = await get('/v1/users/u0/recommendations?k=5');
      expect(res.status).toBe(200);
      expect(res.body.strategy).toBe('personal');
      expect(res.body.items).toHaveLength(5);
      const rated = new Set(events.filter((e) => e.user_id === 'u0' && e.type === 'rating').map((e) => e.item_id));
      for (const it of res.body.items) {
        expect(rated.has(it.id)).toBe(false);
        expect(typeof it.reason).toBe('string');
        expect(it.reason.length).toBeGreaterThan(5);
      }
      // u0 rated shoes: most of the list is shoes
      expect(res.body.items.filter((i: { category: string }) => i.category === 'Shoes').length).toBeGreaterThanOrEqual(3);
    });

    it('applies category, price and stock filters', async () => {
      const res = await get('/v1/users/u1/recommendations?k=10&category=Kitchen&min_price=50&max_price=60&in_stock=true');
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const it of res.body.items) {
        expect(it.category).toBe('Kitchen');
        expect(it.price).toBeGreaterThanOrEqual(50);
        expect(it.price).toBeLessThanOrEqual(60);
        expect(it.in_stock).toBe(true);
      }
    });

    it('gives a user with no history popular items, and taste from context_items', async () => {
      const cold = await get('/v1/users/stranger/recommendations?k=4');
      expect(cold.body.strategy).toBe('popular');
      expect(cold.body.items).toHaveLength(4);
      expect(cold.body.items[0].reason).toMatch(/^popular/);
      const ctx = await get('/v1/users/stranger/recommendations?k=4&context_items=books-1,books-4');
      expect(ctx.body.strategy).toBe('context');
      expect(ctx.body.items.filter((i: { category: string }) => i.category === 'Books').length).toBeGreaterThanOrEqual(2);
      expect((await get('/v1/users/stranger/recommendations?context_items=ghost')).body.error.code).toBe('ITEM_NOT_FOUND');
      // the parameter repeated: one id each, taken whole (an id may hold a comma)
      const repeated = await get('/v1/users/stranger/recommendations?k=4&context_items=books-1&context_items=books-4');
      expect(repeated.body).toEqual(ctx.body);
      const whole = await get('/v1/users/stranger/recommendations?context_items=books-1,books-4&context_items=books-2');
      expect(whole.body.error).toMatchObject({ code: 'ITEM_NOT_FOUND', details: { id: 'books-1,books-4' } });
    });

    it('never offers back the items the shopper is looking at (context_items), to a stranger or a known user', async () => {
      // each context item votes for the other: the model alone would offer both
      for (const user of ['stranger', 'u2']) {
        const res = await get(`/v1/users/${user}/recommendations?k=10&context_items=books-1,books-4`);
        expect(res.status).toBe(200);
        expect(res.body.items).toHaveLength(10);
        const ids = res.body.items.map((i: { id: string }) => i.id);
        expect(ids).not.toContain('books-1');
        expect(ids).not.toContain('books-4');
      }
    });

    it('diversity changes the list but keeps its length', async () => {
      const plain = await get('/v1/users/u2/recommendations?k=6');
      const varied = await get('/v1/users/u2/recommendations?k=6&diversity=1');
      expect(varied.body.items).toHaveLength(6);
      expect(varied.body.items.map((i: { id: string }) => i.id)).not.toEqual(plain.body.items.map((i: { id: string }) => i.id));
    });

    it.each(['k=0', 'k=101', 'k=ten', 'diversity=2', 'min_price=cheap', 'in_stock=maybe', 'colour=red'])('400 VALIDATION_FAILED for %s', async (q) => {
      const res = await get(`/v1/users/u0/recommendations?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });

    it.each(['/v1/users/u0/recommendations', '/v1/items/books-3/similar', '/v1/search?q=book'])('400 VALIDATION_FAILED for min_price above max_price on %s; an equal pair is a valid range', async (url) => {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(`${url}${sep}min_price=30&max_price=20`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ path: 'min_price', message: 'min_price must not be above max_price' }] } });
      expect((await get(`${url}${sep}min_price=30&max_price=30`)).status).toBe(200);
    });
  });

  describe('similar items and search', () => {
    it('lists items similar to an item, without the item itself', async () => {
      const res = await get('/v1/items/books-3/similar?k=5');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(5);
      expect(res.body.items.map((i: { id: string }) => i.id)).not.toContain('books-3');
      expect((await get('/v1/items/ghost/similar')).body.error.code).toBe('ITEM_NOT_FOUND');
    });

    it("keeps the model's similar items per item: a repeat is not scored again, and filters still apply", async () => {
      const scored = vi.spyOn(TrainedRecommender.prototype, 'similar');
      try {
        const first = (await get('/v1/items/books-7/similar?k=5')).body.items;
        expect(first).toHaveLength(5);
        expect((await get('/v1/items/books-7/similar?k=5')).body.items).toEqual(first);
        const cheap = (await get('/v1/items/books-7/similar?k=5&max_price=40&in_stock=true')).body.items;
        expect(cheap.length).toBeGreaterThan(0);
        for (const it of cheap) expect([it.price <= 40, it.in_stock]).toEqual([true, true]);
        expect(scored).toHaveBeenCalledTimes(1);
      } finally {
        scored.mockRestore();
      }
    });

    it('503 ITEM_NOT_INDEXED, not 404, for an item stored but not yet in the index (a new item, a moment after its PUT)', async () => {
      // written to the database behind the service's back: no process has indexed it
      await api.recommend.repository.upsertItems([{ id: 'stored-unindexed', title: 'a brand new kettle', category: 'Kitchen', price: 20, in_stock: true }]);
      const similar = await get('/v1/items/stored-unindexed/similar?k=3');
      expect([similar.status, similar.body.error.code, similar.body.error.details]).toEqual([503, 'ITEM_NOT_INDEXED', { id: 'stored-unindexed' }]);
      const context = await get('/v1/users/u0/recommendations?context_items=stored-unindexed');
      expect([context.status, context.body.error.code]).toEqual([503, 'ITEM_NOT_INDEXED']);
      expect((await get('/v1/users/u0/recommendations?context_items=never-stored')).body.error.code).toBe('ITEM_NOT_FOUND');
      await api.recommend.applyCatalogChange({ upserted: ['stored-unindexed'], removed: [] });
      expect((await get('/v1/items/stored-unindexed/similar?k=3')).status).toBe(200);
      await request(api.app).delete('/v1/items/stored-unindexed').expect(204);
    });

    it('finds items by words of their text, with filters', async () => {
      const res = await get('/v1/search?q=frying%20pan&k=3');
      expect(res.status).toBe(200);
      expect(res.body.items[0].title).toMatch(/frying pan/);
      const filtered = await get('/v1/search?q=book&k=10&max_price=35');
      for (const it of filtered.body.items) expect(it.price).toBeLessThanOrEqual(35);
      expect((await get('/v1/search?q=%20')).body.error.code).toBe('VALIDATION_FAILED');
    });

    it('reads an empty numeric parameter (an empty form field) as not given, not as 0', async () => {
      const full = (await get('/v1/search?q=book&k=10')).body.items;
      expect(full.length).toBeGreaterThan(0);
      expect((await get('/v1/search?q=book&k=&max_price=&min_price=%20')).body.items).toEqual(full);
      const recs = await get('/v1/users/u2/recommendations?k=5');
      expect((await get('/v1/users/u2/recommendations?k=5&max_price=&diversity=')).body.items).toEqual(recs.body.items);
      expect((await get('/v1/search?q=book&max_price=abc')).body.error.code).toBe('VALIDATION_FAILED');
    });

    it.each(['k=0x5', 'k=0b11', 'k=0o7', 'k=%0A5', 'k=5%20', 'k=%2B5', 'diversity=0x1', 'max_price=Infinity'])('refuses %s: a number is written in decimal', async (param) => {
      const res = await get(`/v1/users/u2/recommendations?${param}`);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('reads decimal numbers with a fraction or an exponent', async () => {
      expect((await get('/v1/users/u2/recommendations?k=1e1&diversity=.5&max_price=1000.00')).body.items).toHaveLength(10);
      expect((await get('/v1/kb/search?q=book&k=2e0')).status).not.toBe(400);
    });

    it('refuses a query string that is not valid percent-encoding of UTF-8, as it does a path', async () => {
      for (const url of ['/v1/search?q=%ZZ', '/v1/search?q=caf%C3', '/v1/users/u1/recommendations?context_items=%ED%A0%80']) {
        const res = await get(url);
        expect([res.status, res.body.error.code], url).toEqual([400, 'VALIDATION_FAILED']);
        expect(res.body.error.message).toMatch(/^the query string is not valid percent-encoding/);
      }
      expect((await get('/v1/search?q=caf%C3%A9+au+lait&k=3')).status).toBe(200);
    });

    it('says a query parameter was given twice, rather than that it is not a number', async () => {
      for (const url of ['/v1/search?q=pan&k=1&k=2', '/v1/users/u1/recommendations?k=3&k=4']) {
        const res = await get(url);
        expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', 'query.k: given 2 times; give it once']);
      }
    });
  });

  describe('fresh and deleted items', () => {
    it('makes a new item searchable and recommendable as soon as it is embedded', async () => {
      await request(api.app).put('/v1/items').send({ items: [{ id: 'new-1', title: 'Titanium camping spork', category: 'Kitchen', price: 9 }] });
      const deadline = Date.now() + 5000;
      let found = false;
      while (!found && Date.now() < deadline) {
        found = (await get('/v1/search?q=spork&k=3')).body.items.some((i: { id: string }) => i.id === 'new-1');
        if (!found) await new Promise((r) => setTimeout(r, 20));
      }
      expect(found).toBe(true);
      const similar = await get('/v1/items/new-1/similar?k=3');
      expect(similar.status).toBe(200);
    });

    it('never returns a deleted item from any endpoint', async () => {
      // kitchen-6's similar items are cached with kitchen-1 among them before the delete
      expect((await get('/v1/items/kitchen-6/similar?k=50')).body.items.map((i: { id: string }) => i.id)).toContain('kitchen-1');
      expect((await request(api.app).delete('/v1/items/kitchen-1')).status).toBe(204);
      expect((await request(api.app).delete('/v1/items/kitchen-1')).body.error.code).toBe('ITEM_NOT_FOUND');
      // deletion is applied to the live indexes before the next request can see it
      const deadline = Date.now() + 5000;
      while (api.recommend.live.get('kitchen-1') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect((await get('/v1/items/kitchen-1')).status).toBe(404);
      const lists = await Promise.all([
        get('/v1/search?q=frying%20pan&k=20'),
        get('/v1/items/kitchen-6/similar?k=50'),
        get('/v1/users/u2/recommendations?k=50'),
        get('/v1/users/stranger/recommendations?k=50&category=Kitchen'),
      ]);
      for (const res of lists) expect(res.body.items.map((i: { id: string }) => i.id)).not.toContain('kitchen-1');
      expect((await get('/v1/items/kitchen-1/similar')).status).toBe(404);
    });
  });

  it('rebuilds and swaps the catalog index under concurrent requests with zero failures', async () => {
    const urls = ['/v1/search?q=shoe&k=5', '/v1/items/shoes-2/similar?k=5', '/v1/users/u3/recommendations?k=5'];
    let stop = false;
    const statuses: number[] = [];
    const load = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop || i < 5; i++) {
        const res = await get(urls[(w + i) % urls.length]!);
        statuses.push(res.status);
        if (i > 400) break;
      }
    });
    for (let r = 0; r < 3; r++) await api.recommend.reloadCatalog();
    stop = true;
    await Promise.all(load);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
