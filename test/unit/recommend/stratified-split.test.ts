import { describe, expect, it } from 'vitest';
import { Mt19937 } from '../../../services/recommend/eval/mt19937.ts';
import { stratifiedSplit } from '../../../services/recommend/eval/stratified-split.ts';

describe('NumPy-compatible Mersenne Twister', () => {
  it('reproduces np.random.seed(n); np.random.rand()', () => {
    const r = new Mt19937(42);
    expect(r.nextDouble()).toBe(0.3745401188473625);
    expect(r.nextDouble()).toBe(0.9507143064099162);
    expect(new Mt19937(0).nextDouble()).toBe(0.5488135039273248);
  });
});

describe('stratifiedSplit (python_stratified_split, filter_by="user")', () => {
  const users = [1, 2, 1, 1, 2, 2, 1, 2, 3, 1, 2, 2, 3, 1, 1, 2, 2, 1, 2, 2];
  const rows = users.map((user, index) => ({ user, index }));

  it('holds out the rows NumPy + pandas hold out for the same seed', () => {
    // computed with numpy: np.random.seed(7); rand; lexsort by (user, key); rank/count > 0.75
    const { test } = stratifiedSplit(rows, (r) => r.user, { seed: 7 });
    expect(test.map((r) => r.index)).toEqual([3, 4, 6, 12, 15, 18]);
  });

  it('keeps floor(ratio·n) of each user for training, with no overlap and nothing lost', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ user: i % 37, index: i }));
    const { train, test } = stratifiedSplit(many, (r) => r.user, { seed: 3, ratio: 0.75 });
    expect(train.length + test.length).toBe(many.length);
    expect(new Set([...train, ...test].map((r) => r.index)).size).toBe(many.length);
    for (let u = 0; u < 37; u++) {
      const n = many.filter((r) => r.user === u).length;
      expect(train.filter((r) => r.user === u).length).toBe(Math.floor(0.75 * n));
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = stratifiedSplit(rows, (r) => r.user, { seed: 11 }).test.map((r) => r.index);
    const b = stratifiedSplit(rows, (r) => r.user, { seed: 11 }).test.map((r) => r.index);
    const c = stratifiedSplit(rows, (r) => r.user, { seed: 12 }).test.map((r) => r.index);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('rejects a ratio outside (0, 1)', () => {
    expect(() => stratifiedSplit(rows, (r) => r.user, { ratio: 1 })).toThrow(/ratio/);
  });
});
