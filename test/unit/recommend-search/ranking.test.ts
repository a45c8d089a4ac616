import { describe, expect, it } from 'vitest';
import { matchesFilter, itemFilterQuery } from '../../../services/recommend/ranking/item-filter.ts';
import { mmr } from '../../../services/recommend/ranking/mmr.ts';

const v = (...xs: number[]) => {
  const a = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return a.map((x) => x / n);
};

describe('mmr', () => {
  const candidates = [
    { id: 'a1', score: 1.0, vector: v(1, 0) },
    { id: 'a2', score: 0.95, vector: v(1, 0.01) },
    { id: 'b1', score: 0.6, vector: v(0, 1) },
  ];

  it('keeps the relevance order without diversity', () => {
    expect(mmr(candidates, 2, 0).map((c) => c.id)).toEqual(['a1', 'a2']);
  });

  it('swaps a near-duplicate for something different with diversity', () => {
    expect(mmr(candidates, 2, 0.5).map((c) => c.id)).toEqual(['a1', 'b1']);
  });

  it('never returns more than it was given', () => {
    expect(mmr(candidates, 10, 0.3)).toHaveLength(3);
  });
});

describe('item filter', () => {
  const shoe = { category: 'Shoes', price: 50, in_stock: true };

  it('applies category, price range and stock', () => {
    expect(matchesFilter(shoe, itemFilterQuery.parse({ category: 'Shoes', min_price: '10', max_price: '60', in_stock: 'true' }))).toBe(true);
    expect(matchesFilter(shoe, itemFilterQuery.parse({ category: 'Hats' }))).toBe(false);
    expect(matchesFilter(shoe, itemFilterQuery.parse({ max_price: '49.99' }))).toBe(false);
    expect(matchesFilter(shoe, itemFilterQuery.parse({ in_stock: 'false' }))).toBe(false);
    expect(matchesFilter({ ...shoe, price: null }, itemFilterQuery.parse({ min_price: '0' }))).toBe(false);
  });

  it('rejects malformed query values', () => {
    expect(itemFilterQuery.safeParse({ min_price: 'cheap' }).success).toBe(false);
    expect(itemFilterQuery.safeParse({ in_stock: 'maybe' }).success).toBe(false);
  });
});
