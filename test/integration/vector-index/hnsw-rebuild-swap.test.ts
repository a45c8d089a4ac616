// The nightly flow end to end on real files: a serving holder answers a stream of searches
// while a rebuilt HNSW index (without the removed items) is saved, loaded from disk and swapped in.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HnswIndex, IndexHolder, loadVectorIndex, type VectorIndex } from '../../../shared/vector-index/index.ts';
import { randomVectors, seededRandom } from '../../unit/vector-index/random-vectors.ts';

const DIM = 32;
const vectors = randomVectors(2000, DIM, 41);
const removed = new Set(['item-3', 'item-500', 'item-1999']);

async function build(dir: string, skip: Set<string>): Promise<void> {
  const index = new HnswIndex({ dim: DIM, capacity: 256 });
  await index.addMany(vectors.map((vector, i) => ({ id: `item-${i}`, vector })).filter((e) => !skip.has(e.id)));
  await index.save(dir);
  await index.dispose();
}

describe('rebuilding and hot-swapping an HNSW index under load', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'affinity-swap-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('fails no search, and removed items never come back once the new index is live', async () => {
    await build(path.join(tmp, 'v1'), new Set());
    const v1 = await loadVectorIndex(path.join(tmp, 'v1'));
    const holder = new IndexHolder<VectorIndex>(v1);
    // queries aimed at the items that will be removed, so the old index returns them
    const targets = [...removed].map((id) => vectors[Number(id.slice(5))]!);
    const rnd = seededRandom(42);

    let swapped = false;
    let stop = false;
    const failures: unknown[] = [];
    let beforeWithRemoved = 0;
    let afterSwap = 0;
    const client = async () => {
      while (!stop) {
        const startedAfterSwap = swapped;
        try {
          const hits = await holder.search(targets[Math.floor(rnd() * targets.length)]!, 10);
          expect(hits).toHaveLength(10);
          const sawRemoved = hits.some((h) => removed.has(h.id));
          if (startedAfterSwap) {
            afterSwap++;
            expect(sawRemoved).toBe(false);
          } else if (sawRemoved) beforeWithRemoved++;
        } catch (err) {
          failures.push(err);
        }
        await yieldToEventLoop(); // requests arrive as separate events
      }
    };
    const clients = Array.from({ length: 16 }, client);

    await build(path.join(tmp, 'v2'), removed);
    const v2 = await HnswIndex.load(path.join(tmp, 'v2'));
    await holder.swap(v2);
    swapped = true;
    while (afterSwap < 500) await yieldToEventLoop();
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(beforeWithRemoved).toBeGreaterThan(0);
    expect(v2.size).toBe(1997);
    await expect(v1.search(targets[0]!, 1)).rejects.toMatchObject({ code: 'VECTOR_INDEX_DISPOSED' });
  });
});
