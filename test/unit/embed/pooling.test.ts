import { describe, expect, it } from 'vitest';
import { l2Normalize, poolRow } from '../../../services/embed/pooling.ts';

describe('pooling', () => {
  // 2 rows, 3 positions, hidden 2
  const hidden = Float32Array.from([1, 2, 3, 4, 99, 99, /* row 1 */ 5, 6, 7, 8, 9, 10]);
  const dims = [2, 3, 2];

  it('mean-pools over the real tokens only, ignoring padding', () => {
    expect(Array.from(poolRow(hidden, dims, 0, 2, 'mean'))).toEqual([2, 3]);
    expect(Array.from(poolRow(hidden, dims, 1, 3, 'mean'))).toEqual([7, 8]);
  });

  it('takes the first token for cls pooling', () => {
    expect(Array.from(poolRow(hidden, dims, 1, 3, 'cls'))).toEqual([5, 6]);
  });

  it('copies rows of an already pooled output', () => {
    expect(Array.from(poolRow(Float32Array.from([1, 2, 3, 4]), [2, 2], 1, 1, 'mean'))).toEqual([3, 4]);
  });

  it('normalises to unit length and leaves zero vectors alone', () => {
    const v = l2Normalize(Float32Array.from([3, 4]));
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
