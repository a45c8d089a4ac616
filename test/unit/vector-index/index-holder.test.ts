import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FlatIndex, IndexHolder, type SearchHit, type SearchOptions, type Vector, type VectorIndex } from '../../../shared/vector-index/index.ts';
import { randomVectors, seededRandom } from './random-vectors.ts';

const DIM = 8;

/**
 * A real index whose searches take a few milliseconds of event-loop time, so many are in flight
 * at once; `hold()` keeps every search waiting until `release()`, so a test knows they are.
 */
class SlowIndex implements VectorIndex {
  readonly kind = 'slow';
  readonly dim = DIM;
  readonly metric = 'cosine' as const;
  inFlight = 0;
  private readonly delay = seededRandom(7);
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;
  constructor(readonly inner: FlatIndex) {}
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  get size() { return this.inner.size; }
  has(id: string) { return this.inner.has(id); }
  add(id: string, v: Vector) { return this.inner.add(id, v); }
  addMany(e: Iterable<{ id: string; vector: Vector }>) { return this.inner.addMany(e); }
  upsert(id: string, v: Vector) { return this.inner.upsert(id, v); }
  remove(id: string) { return this.inner.remove(id); }
  save(dir: string) { return this.inner.save(dir); }
  dispose() { return this.inner.dispose(); }
  async search(q: Vector, k: number, o?: SearchOptions): Promise<SearchHit[]> {
    this.inFlight++;
    try {
      await this.gate;
      await sleep(1 + Math.floor(this.delay() * 4));
      // a disposed FlatIndex throws VECTOR_INDEX_DISPOSED here
      return await this.inner.search(q, k, o);
    } finally {
      this.inFlight--;
    }
  }
}

async function slowIndex(prefix: string): Promise<SlowIndex> {
  const inner = new FlatIndex({ dim: DIM });
  await inner.addMany(randomVectors(50, DIM, 1).map((vector, i) => ({ id: `${prefix}-${i}`, vector })));
  return new SlowIndex(inner);
}

describe('IndexHolder', () => {
  it('a swap during many concurrent searches fails none; each search answers wholly from the old or the new index', async () => {
    const [oldIndex, newIndex] = [await slowIndex('old'), await slowIndex('new')];
    const holder = new IndexHolder<VectorIndex>(oldIndex);
    const queries = randomVectors(600, DIM, 2);
    const search = (i: number) => holder.search(queries[i]!, 5).then((hits) => ({ i, hits }));

    // every search on the old index is held in flight while the swap happens
    oldIndex.hold();
    const before = Array.from({ length: 300 }, (_, i) => search(i));
    await new Promise((r) => setImmediate(r));
    expect(oldIndex.inFlight).toBe(300);
    let inFlightOnOldAtDispose = -1;
    const swapped = holder.swap(newIndex).then(() => {
      inFlightOnOldAtDispose = oldIndex.inFlight;
    });
    expect(holder.current).toBe(newIndex);
    const after = Array.from({ length: 300 }, (_, i) => search(300 + i));
    await new Promise((r) => setImmediate(r));
    // the old index is not disposed while searches still run on it
    expect(inFlightOnOldAtDispose).toBe(-1);
    oldIndex.release();

    const settled = await Promise.allSettled([...before, ...after]);
    await swapped;
    const failures = settled.filter((s) => s.status === 'rejected');
    expect(failures).toEqual([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<{ i: number; hits: SearchHit[] }>).value);
    for (const { i, hits } of results) {
      expect(hits).toHaveLength(5);
      const sources = new Set(hits.map((h) => h.id.split('-')[0]));
      expect(sources.size).toBe(1);
      // a search answers from the index that was current when it started
      expect([...sources][0]).toBe(i < 300 ? 'old' : 'new');
    }
    // the old index was disposed, and only once nothing ran on it any more
    expect(inFlightOnOldAtDispose).toBe(0);
    await expect(oldIndex.inner.search(queries[0]!, 1)).rejects.toMatchObject({ code: 'VECTOR_INDEX_DISPOSED' });
    expect(await holder.search(queries[0]!, 1)).toHaveLength(1);
  });

  it('repeated swaps under load fail nothing', async () => {
    const holder = new IndexHolder<VectorIndex>(await slowIndex('gen0'));
    const queries = randomVectors(50, DIM, 3);
    const calls: Promise<SearchHit[]>[] = [];
    const swaps: Promise<void>[] = [];
    for (let gen = 1; gen <= 10; gen++) {
      for (const q of queries) calls.push(holder.search(q, 3));
      swaps.push(holder.swap(await slowIndex(`gen${gen}`)));
      await sleep(1);
    }
    const settled = await Promise.allSettled(calls);
    await Promise.all(swaps);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
  });

  it('before an index is set, calls fail with NOT_READY; close disposes the last one', async () => {
    const holder = new IndexHolder<VectorIndex>();
    await expect(holder.search([1, 0, 0, 0, 0, 0, 0, 0], 1)).rejects.toMatchObject({ code: 'NOT_READY' });
    const index = await slowIndex('only');
    await holder.swap(index);
    expect(await holder.search(randomVectors(1, DIM, 4)[0]!, 2)).toHaveLength(2);
    await holder.close();
    await expect(holder.search(randomVectors(1, DIM, 4)[0]!, 2)).rejects.toMatchObject({ code: 'NOT_READY' });
    await expect(index.inner.search(randomVectors(1, DIM, 4)[0]!, 2)).rejects.toMatchObject({ code: 'VECTOR_INDEX_DISPOSED' });
  });

  it('a failing dispose is reported, and the swap still completes', async () => {
    const broken = await slowIndex('broken');
    broken.dispose = () => Promise.reject(new Error('cannot free'));
    const errors: unknown[] = [];
    const holder = new IndexHolder<VectorIndex>(broken, { onDisposeError: (err) => errors.push(err) });
    await holder.swap(await slowIndex('next'));
    expect(errors).toEqual([new Error('cannot free')]);
    expect((await holder.search(randomVectors(1, DIM, 5)[0]!, 1))[0]?.id).toMatch(/^next-/);
  });
});
