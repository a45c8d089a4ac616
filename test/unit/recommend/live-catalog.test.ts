import { describe, expect, it } from 'vitest';
import type { Item } from '../../../services/recommend/catalog/catalog.schema.ts';
import type { ItemEmbedder } from '../../../services/recommend/embedding/item-embedder.ts';
import { LiveCatalog } from '../../../services/recommend/serving/live-catalog.ts';
import { createLogger } from '../../../shared/logging/logger.ts';

const DIM = 4;

/** An embedder whose every call waits until the test releases it: the test decides what finishes first. */
function heldEmbedder() {
  const waiting: Array<() => void> = [];
  const embedder = {
    dim: DIM,
    async vectors(items: readonly Item[]) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      return { vectors: items.map((_, i) => Float32Array.from({ length: DIM }, (_v, d) => (d === i % DIM ? 1 : 0.1))) };
    },
  } as unknown as ItemEmbedder;
  return { embedder, release: (call: number) => waiting[call]!(), pending: () => waiting.length };
}

const item = (id: string, title: string, price = 10): Item => ({
  id,
  title,
  description: null,
  category: 'Kitchen',
  price,
  in_stock: true,
  attributes: {},
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const flush = () => new Promise((r) => setImmediate(r));

describe('LiveCatalog: a change that lands while an earlier one is being embedded wins', () => {
  it('an item removed while its upsert was embedding stays removed: maps, text index and vector index', async () => {
    const { embedder, release, pending } = heldEmbedder();
    const live = new LiveCatalog(embedder, createLogger({ level: 'silent' }));
    const since = live.revision; // read before the database was
    const upserting = live.upsert([item('ghost', 'Phantom teapot')], since);
    await flush();
    expect(pending()).toBe(1);
    await live.remove('ghost');
    release(0);
    await upserting;
    expect(live.get('ghost')).toBeUndefined();
    expect(live.vector('ghost')).toBeUndefined();
    expect(live.lexical.search('phantom teapot', 5).map((h) => h.id)).toEqual([]);
    expect((await live.nearest(Float32Array.from([1, 0.1, 0.1, 0.1]), 5)).map((h) => h.id)).toEqual([]);
  });

  it('of two upserts of one item, the later read wins even when the earlier one finishes last', async () => {
    const { embedder, release } = heldEmbedder();
    const live = new LiveCatalog(embedder, createLogger({ level: 'silent' }));
    const first = live.upsert([item('lamp', 'Walrus lamp old', 1)], live.revision);
    await flush();
    const second = live.upsert([item('lamp', 'Walrus lamp new', 2)], live.revision);
    await flush();
    release(1);
    await second;
    release(0);
    await first;
    expect(live.get('lamp')).toMatchObject({ title: 'Walrus lamp new', price: 2 });
    expect(live.lexical.search('old', 5)).toEqual([]);
  });

  it('a reload from a snapshot read before a removal does not bring the item back', async () => {
    const { embedder, release } = heldEmbedder();
    const live = new LiveCatalog(embedder, createLogger({ level: 'silent' }));
    const adding = live.upsert([item('a', 'Apple peeler'), item('b', 'Bread knife')]);
    await flush();
    release(0);
    await adding;
    const since = live.revision;
    const snapshot = [item('a', 'Apple peeler'), item('b', 'Bread knife')]; // read from the database now
    await live.remove('b'); // a DELETE between the read and the reload
    const loading = live.load(snapshot, since);
    await flush();
    release(1);
    await loading;
    expect([...live.ids()]).toEqual(['a']);
    expect((await live.nearest(Float32Array.from([0.1, 1, 0.1, 0.1]), 5)).map((h) => h.id)).toEqual(['a']);
  });
});

describe('LiveCatalog without vector search (dense weight 0)', () => {
  /** An embedder that answers at once. */
  const embedder = {
    dim: DIM,
    async vectors(items: readonly Item[]) {
      return { vectors: items.map((_, i) => Float32Array.from({ length: DIM }, (_v, d) => (d === i % DIM ? 1 : 0.1))) };
    },
  } as unknown as ItemEmbedder;

  it('builds no vector index and searches none, but still embeds, filters and text-indexes every item', async () => {
    let search = false;
    const live = new LiveCatalog(embedder, createLogger({ level: 'silent' }), () => search);
    await live.load([item('a', 'Apple peeler'), item('b', 'Bread knife')]);
    await live.upsert([item('c', 'Cherry pitter')]);
    await live.remove('a');
    expect(live.content.current).toBeUndefined();
    expect([...live.ids()].sort()).toEqual(['b', 'c']);
    expect(live.vector('c')).toHaveLength(DIM);
    expect(live.lexical.search('cherry', 5).map((h) => h.id)).toEqual(['c']);
    expect(await live.nearest(Float32Array.from([1, 0.1, 0.1, 0.1]), 5)).toEqual([]);
    // once something searches vectors, the next load builds the index from what is there
    search = true;
    await live.load([item('b', 'Bread knife'), item('c', 'Cherry pitter')]);
    expect(live.content.current?.size).toBe(2);
    expect((await live.nearest(Float32Array.from([0.1, 1, 0.1, 0.1]), 1)).map((h) => h.id)).toEqual(['c']);
  });
});
