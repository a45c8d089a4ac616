import { describe, expect, it } from 'vitest';
import { itemSideFeatures } from '../../../services/recommend/training/item-side-features.ts';

const rows = (f: ReturnType<typeof itemSideFeatures>) =>
  f.itemIds.map((_, i) => Array.from(f.vectors!.subarray(i * f.dimension!, (i + 1) * f.dimension!)));

describe('itemSideFeatures', () => {
  it('gives one column per value shared by two items, counting a value once per item whichever field holds it', () => {
    const f = itemSideFeatures(
      [
        { id: 'a', category: 'Comedy', attributes: { genres: 'Comedy|Romance', release_date: '01-Jan-1995' } },
        { id: 'b', category: 'Romance', attributes: { genres: 'romance | Drama ' } },
        { id: 'c', category: 'Drama', attributes: { genres: 'Drama|Comedy', tags: 'cult' } },
        { id: 'd', category: null, attributes: {} },
      ],
      ['category', 'genres', 'tags'],
    );
    expect(f.itemIds).toEqual(['a', 'b', 'c', 'd']);
    // comedy, romance and drama on two items each; cult on one (dropped); release_date not a feature field
    expect(f.dimension).toBe(3);
    const r = rows(f);
    expect(r.map((x) => x.reduce((a, b) => a + b, 0))).toEqual([2, 2, 2, 0]);
    // a and c share comedy, b and c share drama, a and b share romance: each pair shares exactly one column
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect([dot(r[0]!, r[1]!), dot(r[0]!, r[2]!), dot(r[1]!, r[2]!), dot(r[0]!, r[3]!)]).toEqual([1, 1, 1, 0]);
  });

  it('ignores numbers, booleans and fields not named, and gives no vectors when nothing is shared', () => {
    const f = itemSideFeatures(
      [
        { id: 'a', category: 'x', attributes: { size: 3, tags: 'solo', sale: true } },
        { id: 'b', category: 'y', attributes: { size: 3, brand: 'acme' } },
        { id: 'c', category: null, attributes: { brand: 'acme' } },
      ],
      ['category', 'tags', 'size'],
    );
    expect(f).toEqual({ itemIds: ['a', 'b', 'c'] });
    expect(itemSideFeatures([{ id: 'b', attributes: { brand: 'acme' } }, { id: 'c', attributes: { brand: 'ACME' } }], ['brand']).dimension).toBe(1);
  });
});
