import { describe, expect, it } from 'vitest';
import { InteractionMatrix } from '../../../services/recommend/models/interaction-matrix.ts';
import { TopKHeap, topK } from '../../../services/recommend/models/top-k.ts';
import { seededRandom } from '../../../services/recommend/models/seeded-random.ts';

describe('InteractionMatrix', () => {
  const events = [
    { userId: 'u1', itemId: 'b', weight: 1, timestamp: 10 },
    { userId: 'u2', itemId: 'a', weight: 2, timestamp: 20 },
    { userId: 'u1', itemId: 'a', weight: 1, timestamp: 30 },
    { userId: 'u1', itemId: 'b', weight: 3, timestamp: 5 },
    { userId: 'u2', itemId: 'zzz', weight: 1, timestamp: 40 },
  ];

  it('builds sorted CSR rows, merging repeated pairs (weights summed, latest time kept)', () => {
    const m = InteractionMatrix.fromInteractions(events);
    expect(m.numUsers).toBe(2);
    expect(m.itemIds).toEqual(['b', 'a', 'zzz']);
    const h = m.history(m.userIndex('u1')!);
    expect(Array.from(h.items)).toEqual([0, 1]);
    expect(Array.from(h.weights)).toEqual([4, 1]);
    expect(Array.from(h.timestamps)).toEqual([10, 30]);
    expect(InteractionMatrix.fromInteractions(events, { duplicates: 'max' }).history(0).weights[0]).toBe(3);
  });

  it('keeps a given catalogue’s order, drops unknown items, indexes items without interactions', () => {
    const m = InteractionMatrix.fromInteractions(events, { itemIds: ['a', 'b', 'c'] });
    expect(m.nnz).toBe(3);
    expect(m.itemIndex('c')).toBe(2);
    expect(Array.from(m.itemCounts())).toEqual([2, 1, 0]);
  });

  it('transposes and filters entries', () => {
    const m = InteractionMatrix.fromInteractions(events, { itemIds: ['a', 'b'] });
    const t = m.transpose();
    expect(t.numUsers).toBe(2); // rows are items now
    expect(Array.from(t.history(0).items)).toEqual([0, 1]); // 'a' by u1 and u2
    const f = m.filterEntries((k) => m.values[k]! > 1);
    expect(f.nnz).toBe(2);
    expect(f.numUsers).toBe(m.numUsers);
  });
});

describe('topK', () => {
  it('returns the k best, best first, lower index on ties, skipping what it is told to', () => {
    const s = [0.5, 2, 2, -1, 7, Number.NaN, 3];
    expect(Array.from(topK(s, 3))).toEqual([4, 6, 1]);
    expect(Array.from(topK(s, 3, (i) => i === 4))).toEqual([6, 1, 2]);
    expect(Array.from(topK([1, 2], 5))).toEqual([1, 0]);
  });
});

describe('TopKHeap', () => {
  it('keeps what topK keeps, in the same order, whatever order the pairs are offered in', () => {
    const rng = seededRandom(3);
    for (const [n, k] of [[0, 5], [3, 5], [50, 1], [500, 20], [2000, 200]] as const) {
      // few distinct values, so that ties decide many places
      const scores = Array.from({ length: n }, () => Math.floor(rng.next() * 40) / 8);
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const heap = new TopKHeap(k);
      for (const i of order) heap.offer(i, scores[i]!);
      const indices = new Int32Array(k + 2).fill(-1);
      const values = new Float64Array(k + 2);
      const kept = heap.drain(indices, values, 2);
      const expected = Array.from(topK(scores, k));
      expect(kept).toBe(expected.length);
      expect(Array.from(indices.subarray(2, 2 + kept))).toEqual(expected);
      expect(Array.from(values.subarray(2, 2 + kept))).toEqual(expected.map((i) => scores[i]));
      expect(heap.size).toBe(0);
    }
  });
});
