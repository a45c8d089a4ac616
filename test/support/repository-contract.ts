// The storage contract, part two: the repositories over any SqlDatabase backend return the
// same values, of the same JS types, and keep their batch guarantees under concurrency.
import { describe, expect, it } from 'vitest';
import { FeedbackRepository } from '../../services/chat/feedback/feedback.repository.ts';
import { KbVectorRepository } from '../../services/chat/kb/kb-vector.repository.ts';
import { KbRepository } from '../../services/chat/kb/kb.repository.ts';
import { CatalogRepository } from '../../services/recommend/catalog/catalog.repository.ts';
import type { EventInput, ItemInput } from '../../services/recommend/catalog/catalog.schema.ts';
import { ItemVectorRepository } from '../../services/recommend/embedding/item-vector.repository.ts';
import { UserHistoryCache } from '../../services/recommend/serving/user-history-cache.ts';
import { ApiKeyRepository, ApiKeys } from '../../shared/auth/index.ts';
import { appMigrations, type Databases } from './storage-backends.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const item = (id: string, extra: Partial<ItemInput> = {}): ItemInput => ({ id, title: `Item ${id}`, in_stock: true, ...extra });

export function repositoryContract(dbs: Databases): void {
  const migrated = async () => {
    const db = dbs.open();
    await db.migrate(appMigrations);
    return db;
  };
  const catalog = async () => new CatalogRepository(await migrated());

  describe('CatalogRepository', () => {
    it('upserts items, telling created from updated, and reads them back', async () => {
      const repo = await catalog();
      expect(await repo.upsertItems([item('a', { price: 5, attributes: { color: 'red' } }), item('b')])).toEqual({ created: ['a', 'b'], updated: [] });
      expect(await repo.upsertItems([item('a', { title: 'New A' }), item('c')])).toEqual({ created: ['c'], updated: ['a'] });
      expect(await repo.getItem('a')).toMatchObject({ id: 'a', title: 'New A', price: null, in_stock: true, attributes: {} });
      expect(await repo.countItems()).toBe(3);
      expect((await repo.getItems(['c', 'ghost', 'a'])).map((i) => i.id).sort()).toEqual(['a', 'c']);
    });

    it('round-trips every field of an item, with the same types', async () => {
      const repo = await catalog();
      const attributes = { color: 'rouge ✓', size: 42, ratio: 0.125, vegan: true, gift: false, note: null, quote: 'it\'s "?"' };
      await repo.upsertItems([item('full', { description: 'A thing', category: 'books', price: 19.99, in_stock: false, attributes })], T0);
      await repo.upsertItems([item('bare', { price: 0 })], T0 + 1);
      await repo.upsertItems([item('full', { title: 'Renamed', description: 'A thing', category: 'books', price: 19.99, in_stock: false, attributes })], T0 + 2);
      expect(await repo.allItems()).toEqual([
        { id: 'bare', title: 'Item bare', description: null, category: null, price: 0, in_stock: true, attributes: {}, created_at: '2026-01-01T00:00:00.001Z', updated_at: '2026-01-01T00:00:00.001Z' },
        { id: 'full', title: 'Renamed', description: 'A thing', category: 'books', price: 19.99, in_stock: false, attributes, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.002Z' },
      ]);
    });

    it('rejects a batch with a duplicate id and writes nothing', async () => {
      const repo = await catalog();
      await expect(repo.upsertItems([item('x'), item('y'), item('x')])).rejects.toMatchObject({ code: 'DUPLICATE_ID_IN_BATCH' });
      expect(await repo.countItems()).toBe(0);
    });

    it('refuses a whole event batch naming an unknown item', async () => {
      const repo = await catalog();
      await repo.upsertItems([item('a')]);
      await expect(
        repo.insertEvents([
          { user_id: 'u', item_id: 'a', type: 'view' },
          { user_id: 'u', item_id: 'ghost', type: 'view' },
        ]),
      ).rejects.toMatchObject({ code: 'EVENT_ITEM_UNKNOWN', details: { item_ids: ['ghost'] } });
      expect(await repo.countEvents()).toBe(0);
    });

    it('stores an event_id once, however often it is retried, and returns events with the same types', async () => {
      const repo = await catalog();
      await repo.upsertItems([item('a'), item('b')]);
      const batch: EventInput[] = [
        { user_id: 'u', item_id: 'a', type: 'purchase', event_id: 'e1', timestamp: 1000 },
        { user_id: 'u', item_id: 'b', type: 'rating', value: 4.5, event_id: 'e2', timestamp: '2026-01-01T00:00:00Z' },
        { user_id: 'v', item_id: 'b', type: 'view', event_id: 'e3', timestamp: 8.64e15 },
      ];
      expect(await repo.insertEvents(batch, T0)).toEqual({ accepted: 3, duplicates: 0 });
      expect(await repo.insertEvents(batch, T0)).toEqual({ accepted: 0, duplicates: 3 });
      const events = await repo.userEvents('u');
      expect(events.map(({ seq, ...e }) => e)).toEqual([
        { user_id: 'u', item_id: 'a', type: 'purchase', value: null, ts: 1000 },
        { user_id: 'u', item_id: 'b', type: 'rating', value: 4.5, ts: T0 },
      ]);
      const all = await repo.allEvents();
      expect(all.map((e) => typeof e.seq)).toEqual(['number', 'number', 'number']);
      expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => x - y));
      expect(all.at(-1)).toMatchObject({ user_id: 'v', ts: 8.64e15 });
      expect(await repo.popularItemIds(10)).toEqual(['b', 'a']);
      expect(await repo.countEvents()).toBe(3);
    });

    it('deletes items but keeps their events as history', async () => {
      const repo = await catalog();
      await repo.upsertItems([item('a')]);
      await repo.insertEvents([{ user_id: 'u', item_id: 'a', type: 'view' }]);
      expect(await repo.deleteItem('a')).toBe(true);
      expect(await repo.deleteItem('a')).toBe(false);
      expect(await repo.getItem('a')).toBeUndefined();
      expect(await repo.countEvents()).toBe(1);
    });

    it('lists items in id order by code point', async () => {
      const repo = await catalog();
      await repo.upsertItems(['b', 'B', '_x', 'a', 'é', '10', '9'].map((id) => item(id)));
      expect((await repo.allItems()).map((i) => i.id)).toEqual(['10', '9', 'B', '_x', 'a', 'b', 'é']);
    });

    it('keeps every item of concurrent batches, even batches of the same items in opposite orders', async () => {
      const repo = await catalog();
      const ids = Array.from({ length: 20 }, (_, i) => `i${String(i).padStart(2, '0')}`);
      const batches = Array.from({ length: 8 }, (_, b) => (b % 2 ? [...ids].reverse() : ids).map((id) => item(id, { title: `v${b}` })));
      const distinct = Array.from({ length: 8 }, (_, b) => [item(`only-${b}`)]);
      const results = await Promise.all([...batches, ...distinct].map((batch) => repo.upsertItems(batch)));
      expect(results.slice(8).every((r) => r.created.length === 1)).toBe(true);
      expect(await repo.countItems()).toBe(28);
      // one batch wrote every item last: each item's title is from one of them
      expect(new Set((await repo.getItems(ids)).map((i) => i.title)).size).toBeLessThanOrEqual(8);
    });

    it('stores each event of a batch sent concurrently many times exactly once', async () => {
      const repo = await catalog();
      await repo.upsertItems([item('a')]);
      const batch: EventInput[] = Array.from({ length: 20 }, (_, i) => ({ user_id: `u${i % 3}`, item_id: 'a', type: 'view', event_id: `ev-${i}` }));
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.insertEvents(batch)));
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(20);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(100);
      expect(await repo.countEvents()).toBe(20);
    });
  });

  describe('CatalogRepository: a user\'s events (export, erasure) and retention', () => {
    it('lists and deletes one user\'s events, and the events stamped before a cutoff, exactly', async () => {
      const repo = await catalog();
      await repo.upsertItems([item('a'), item('b')]);
      await repo.insertEvents(
        [
          { user_id: 'erase-me', item_id: 'a', type: 'view', timestamp: T0 - 1, event_id: 'e1' },
          { user_id: 'erase-me', item_id: 'b', type: 'rating', value: 4, timestamp: T0 },
          { user_id: 'keep-me', item_id: 'a', type: 'purchase', timestamp: T0 - 1 },
          { user_id: 'keep-me', item_id: 'b', type: 'view', timestamp: T0 + 1 },
        ],
        T0 + 10,
      );
      expect(await repo.eventsOfUser('erase-me')).toEqual([
        { seq: expect.any(Number), event_id: 'e1', user_id: 'erase-me', item_id: 'a', type: 'view', value: null, ts: T0 - 1, received_at: T0 + 10 },
        { seq: expect.any(Number), event_id: null, user_id: 'erase-me', item_id: 'b', type: 'rating', value: 4, ts: T0, received_at: T0 + 10 },
      ]);
      expect(await repo.deleteUserEvents('erase-me')).toBe(2);
      expect(await repo.deleteUserEvents('erase-me')).toBe(0);
      expect(await repo.eventsOfUser('erase-me')).toEqual([]);
      // strictly before the cutoff: the event at it stays
      expect(await repo.deleteEventsBefore(T0 + 1)).toBe(1);
      expect((await repo.allEvents()).map((e) => e.ts)).toEqual([T0 + 1]);
    });
  });

  describe('concurrent batches over several connections', () => {
    it('runs batches sharing event ids, entries or vectors in opposite orders at once: none fails (no deadlock), each is stored once', async () => {
      const first = await migrated();
      const handles = [first, dbs.open(), dbs.open(), dbs.open()];
      await new CatalogRepository(first).upsertItems([item('a'), item('b')]);
      const ids = Array.from({ length: 30 }, (_, i) => `e${String(i).padStart(2, '0')}`);
      const inOrder = (i: number) => (i % 2 === 0 ? ids : [...ids].reverse());
      const events = await Promise.all(
        Array.from({ length: 8 }, (_, i) => new CatalogRepository(handles[i % 4]!).insertEvents(inOrder(i).map((id) => ({ event_id: id, user_id: 'u', item_id: 'a', type: 'view' as const })), T0)),
      );
      expect(events.reduce((n, r) => n + r.accepted, 0)).toBe(30);
      expect(await new CatalogRepository(first).countEvents()).toBe(30);
      await Promise.all(Array.from({ length: 8 }, (_, i) => new KbRepository(handles[i % 4]!).upsertMany(inOrder(i).map((id) => ({ id, questions: [`q ${id}`], answer: `a ${i}` })), T0)));
      expect((await new KbRepository(first).all()).map((e) => e.id)).toEqual(ids);
      // the same new items from every connection at once: each is created once, whoever came first
      const news = Array.from({ length: 20 }, (_, i) => item(`n${String(i).padStart(2, '0')}`));
      const upserts = await Promise.all(Array.from({ length: 8 }, (_, i) => new CatalogRepository(handles[i % 4]!).upsertItems(i % 2 === 0 ? news : [...news].reverse(), T0)));
      expect(upserts.reduce((n, r) => n + r.created.length, 0)).toBe(20);
      expect(upserts.reduce((n, r) => n + r.updated.length, 0)).toBe(7 * 20);
      const vectors = (i: number) => (i % 2 === 0 ? ['a', 'b'] : ['b', 'a']).map((id) => ({ id, textHash: `h${i}`, vector: Float32Array.from([i]) }));
      await Promise.all(Array.from({ length: 8 }, (_, i) => new ItemVectorRepository(handles[i % 4]!).put('m', vectors(i))));
      expect((await new ItemVectorRepository(first).get('m', ['a', 'b'])).size).toBe(2);
    });
  });

  describe('UserHistoryCache over the repository', () => {
    it('serves a user\'s history from memory until an append, a purge or an erasure changes it, whichever process wrote it', async () => {
      const db = await migrated();
      const repo = new CatalogRepository(db);
      // a second repository on the same database: another process writing
      const other = new CatalogRepository(db);
      await repo.upsertItems([item('a'), item('b'), item('c')]);
      let reads = 0;
      let appendReads = 0;
      const counting = {
        userEventsState: (u: string) => repo.userEventsState(u),
        userEvents: (u: string, l?: number) => (reads++, repo.userEvents(u, l)),
        userEventsAfter: (u: string, seq: number) => (appendReads++, repo.userEventsAfter(u, seq)),
      };
      const cache = new UserHistoryCache(counting, 500, 100);
      expect(await cache.get('u')).toEqual([]);
      expect(await repo.userEventsState('u')).toEqual({ count: 0, lastSeq: 0 });
      await repo.insertEvents([{ user_id: 'u', item_id: 'a', type: 'view', timestamp: T0 }, { user_id: 'u', item_id: 'b', type: 'view', timestamp: T0 + 5 }], T0 + 10);
      const first = await cache.get('u');
      expect(first.map((e) => e.item_id)).toEqual(['a', 'b']);
      expect(await cache.get('u')).toBe(first);
      expect(reads).toBe(1);
      // an event stamped in the past still changes the fingerprint (seq grows); only it is read, and merged in by time
      await other.insertEvents([{ user_id: 'u', item_id: 'c', type: 'purchase', timestamp: T0 - 100 }], T0 + 20);
      expect((await cache.get('u')).map((e) => e.item_id)).toEqual(['c', 'a', 'b']);
      expect([reads, appendReads]).toEqual([1, 1]);
      expect(await cache.get('u')).toEqual(await repo.userEvents('u', 500));
      // a retention purge deletes the oldest event: the whole history is read again
      expect(await other.deleteEventsBefore(T0)).toBe(1);
      expect((await cache.get('u')).map((e) => e.item_id)).toEqual(['a', 'b']);
      expect(reads).toBe(2);
      // an erasure empties it
      await other.deleteUserEvents('u');
      expect(await cache.get('u')).toEqual([]);
      expect(reads).toBe(2);
    });

    it('merges appended events into a history cut at its limit exactly as a full read would', async () => {
      const db = await migrated();
      const repo = new CatalogRepository(db);
      await repo.upsertItems([item('a'), item('b'), item('c')]);
      let reads = 0;
      const counting = {
        userEventsState: (u: string) => repo.userEventsState(u),
        userEvents: (u: string, l?: number) => (reads++, repo.userEvents(u, l)),
        userEventsAfter: (u: string, seq: number) => repo.userEventsAfter(u, seq),
      };
      const cache = new UserHistoryCache(counting, 3, 100);
      const ids = ['a', 'b', 'c'];
      await repo.insertEvents(Array.from({ length: 5 }, (_, i) => ({ user_id: 'u', item_id: ids[i % 3]!, type: 'view' as const, timestamp: T0 + i * 10 })), T0 + 100);
      expect((await cache.get('u')).map((e) => e.ts)).toEqual([T0 + 20, T0 + 30, T0 + 40]);
      // appended: one older than all kept (it stays out), one in between, and two with the same timestamp
      await repo.insertEvents([{ user_id: 'u', item_id: 'a', type: 'view', timestamp: T0 - 5 }], T0 + 110);
      await repo.insertEvents([{ user_id: 'u', item_id: 'b', type: 'cart', timestamp: T0 + 35 }, { user_id: 'u', item_id: 'c', type: 'purchase', timestamp: T0 + 35 }], T0 + 120);
      const merged = await cache.get('u');
      expect(merged).toEqual(await repo.userEvents('u', 3));
      expect(merged.map((e) => [e.ts, e.item_id])).toEqual([[T0 + 35, 'b'], [T0 + 35, 'c'], [T0 + 40, 'b']]);
      expect(reads).toBe(1);
    });
  });

  describe('FeedbackRepository: a user\'s corrections (export, erasure) and retention', () => {
    it('finds and deletes a user\'s corrections by user id or by session, and those recorded before a cutoff', async () => {
      const feedback = new FeedbackRepository(await migrated());
      await feedback.record({ session_id: 's1', message_index: 0, text: 'a', predicted_intent: null, intent: 'x', user_id: 'u1' }, T0);
      // recorded anonymously, in a session the user was later known by
      await feedback.record({ session_id: 's2', message_index: 0, text: 'b', predicted_intent: 'y', intent: 'x' }, T0 + 1);
      await feedback.record({ session_id: 's3', message_index: 1, text: 'c', predicted_intent: null, intent: 'z', user_id: 'u2' }, T0 + 2);
      // a second correction keeps the user id it had
      await feedback.record({ session_id: 's1', message_index: 0, text: 'a', predicted_intent: null, intent: 'w' }, T0 + 3);
      expect(await feedback.ofUser('u1', ['s2'])).toEqual([
        { session_id: 's2', message_index: 0, text: 'b', predicted_intent: 'y', intent: 'x', created_at: T0 + 1, user_id: null },
        { session_id: 's1', message_index: 0, text: 'a', predicted_intent: null, intent: 'w', created_at: T0 + 3, user_id: 'u1' },
      ]);
      expect(await feedback.deleteOfUser('u1', ['s2'])).toBe(2);
      expect(await feedback.ofUser('u1', ['s2'])).toEqual([]);
      expect((await feedback.all()).map((f) => f.session_id)).toEqual(['s3']);
      expect(await feedback.deleteBefore(T0 + 2)).toBe(0);
      expect(await feedback.deleteBefore(T0 + 3)).toBe(1);
      expect(await feedback.all()).toEqual([]);
    });
  });

  describe('ApiKeyRepository', () => {
    it('stores keys with their scopes and limit, revokes once, and reads back the same types', async () => {
      const repo = new ApiKeyRepository(await migrated());
      await repo.insert({ id: 'k1', name: 'shop front ✓', scopes: ['read'], secret_hash: 'ab'.repeat(32), rate_limit: null, created_at: T0 });
      await repo.insert({ id: 'k2', name: 'ops', scopes: ['read', 'write', 'admin'], secret_hash: 'cd'.repeat(32), rate_limit: 0, created_at: T0 + 1 });
      expect(await repo.get('k2')).toEqual({ id: 'k2', name: 'ops', scopes: ['read', 'write', 'admin'], secret_hash: 'cd'.repeat(32), rate_limit: 0, created_at: T0 + 1, last_used_at: null, revoked_at: null });
      expect(await repo.revoke('k1', T0 + 5)).toBe(true);
      expect(await repo.revoke('k1', T0 + 6)).toBe(false);
      expect(await repo.revoke('ghost', T0)).toBe(false);
      await repo.touch('k2', T0 + 7);
      expect((await repo.list()).map((k) => [k.id, k.revoked_at, k.last_used_at])).toEqual([
        ['k1', T0 + 5, null],
        ['k2', null, T0 + 7],
      ]);
      expect(await repo.get('ghost')).toBeUndefined();
    });

    it('creates the first-start key once, however many processes try at the same time', async () => {
      const db = await migrated();
      const results = await Promise.all(Array.from({ length: 4 }, () => new ApiKeys(new ApiKeyRepository(db)).createFirstAdminKey()));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await new ApiKeyRepository(db).list()).toHaveLength(1);
    });
  });

  describe('ItemVectorRepository', () => {
    it('stores vectors per model, bit for bit, replaces them and removes them; none for an item not in the catalog', async () => {
      const db = await migrated();
      await new CatalogRepository(db).upsertItems([item('a'), item('b')]);
      const repo = new ItemVectorRepository(db);
      const v = Float32Array.from([0.1, -2.5, 3.4028234663852886e38, 1e-45, 0]);
      await repo.put('m1', [
        { id: 'a', textHash: 'h1', vector: v },
        { id: 'b', textHash: 'h2', vector: Float32Array.from([1, 2, 3, 4, 5]) },
      ]);
      await repo.put('m2', [{ id: 'a', textHash: 'h1', vector: Float32Array.from([9, 9, 9, 9, 9]) }]);
      await repo.put('m1', [{ id: 'b', textHash: 'h3', vector: Float32Array.from([5, 4, 3, 2, 1]) }]);
      const got = await repo.get('m1', ['a', 'b', 'ghost']);
      expect([...got.keys()].sort()).toEqual(['a', 'b']);
      expect(got.get('a')).toEqual({ textHash: 'h1', vector: v });
      expect(got.get('b')).toEqual({ textHash: 'h3', vector: Float32Array.from([5, 4, 3, 2, 1]) });
      expect(await repo.remove('a')).toBe(2);
      expect((await repo.get('m2', ['a'])).size).toBe(0);
      // deleted while it was being embedded: the vector that arrives after is not kept
      await repo.put('m1', [{ id: 'gone', textHash: 'h9', vector: v }, { id: 'b', textHash: 'h4', vector: v }]);
      expect([...(await repo.get('m1', ['gone', 'b'])).keys()]).toEqual(['b']);
    });
  });

  describe('KbVectorRepository', () => {
    it('stores question vectors per model bit for bit, keeps the first of two writers, and prunes what is no longer kept', async () => {
      const db = await migrated();
      const repo = new KbVectorRepository(db);
      const v = Float32Array.from([0.1, -2.5, 3.4028234663852886e38, 1e-45, 0]);
      await repo.put('m1', [{ hash: 'h1', vector: v }, { hash: 'h2', vector: Float32Array.from([1, 2, 3, 4, 5]) }], T0);
      await Promise.all([repo.put('m1', [{ hash: 'h2', vector: Float32Array.from([7, 7, 7, 7, 7]) }], T0), repo.put('m2', [{ hash: 'h1', vector: Float32Array.from([9, 9, 9, 9, 9]) }], T0 + 10)]);
      const got = await repo.get('m1', ['h1', 'h2', 'ghost']);
      expect([...got.keys()].sort()).toEqual(['h1', 'h2']);
      expect(got.get('h1')).toEqual(v);
      expect(got.get('h2')).toEqual(Float32Array.from([1, 2, 3, 4, 5]));
      // h1 is stale, but m2's row of it is newer than the cutoff: only m1's goes
      expect(await repo.prune(new Set(['h2']), T0 + 5)).toBe(1);
      expect((await repo.get('m1', ['h1'])).size).toBe(0);
      expect((await repo.get('m2', ['h1'])).size).toBe(1);
      expect((await repo.get('m1', ['h2'])).size).toBe(1);
    });
  });

  describe('KbRepository and FeedbackRepository', () => {
    it('round-trips knowledge base entries with the same types', async () => {
      const kb = new KbRepository(await migrated());
      const stored = await kb.upsertMany(
        [
          { id: 'ship', questions: ['Where is my order?', 'Shipping time?'], answer: 'Two days at {{Website Name}}.', intent: 'track_order', tags: ['orders'] },
          { id: 'bare', questions: ['Hi?'], answer: 'Hello' },
        ],
        T0,
      );
      expect(stored[1]).toEqual({ id: 'bare', questions: ['Hi?'], answer: 'Hello', intent: null, tags: [], created_at: T0, updated_at: T0 });
      await kb.upsertMany([{ id: 'ship', questions: ['Where is my order?'], answer: 'Three days.' }], T0 + 5);
      expect(await kb.get('ship')).toEqual({ id: 'ship', questions: ['Where is my order?'], answer: 'Three days.', intent: null, tags: [], created_at: T0, updated_at: T0 + 5 });
      expect((await kb.all()).map((e) => e.id)).toEqual(['bare', 'ship']);
      expect(await kb.count()).toBe(2);
      expect(await kb.remove('bare')).toBe(true);
      expect(await kb.remove('bare')).toBe(false);
      expect(await kb.count()).toBe(1);
    });

    it('keeps one intent correction per message, the latest', async () => {
      const feedback = new FeedbackRepository(await migrated());
      await feedback.record({ session_id: 's1', message_index: 2, text: 'where?', predicted_intent: null, intent: 'track_order' }, T0);
      await feedback.record({ session_id: 's1', message_index: 0, text: 'hi', predicted_intent: 'greet', intent: 'greeting' }, T0 + 1);
      await feedback.record({ session_id: 's1', message_index: 2, text: 'where?', predicted_intent: null, intent: 'delivery_period' }, T0 + 2);
      expect(await feedback.all()).toEqual([
        { session_id: 's1', message_index: 0, text: 'hi', predicted_intent: 'greet', intent: 'greeting', created_at: T0 + 1 },
        { session_id: 's1', message_index: 2, text: 'where?', predicted_intent: null, intent: 'delivery_period', created_at: T0 + 2 },
      ]);
    });
  });
}
