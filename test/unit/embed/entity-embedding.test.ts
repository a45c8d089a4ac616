import { describe, expect, it } from 'vitest';
import { itemText, userVector } from '../../../services/embed/entity-embedding.ts';

describe('itemText', () => {
  it('fills the template and drops empty fields with their separators', () => {
    expect(itemText({ title: 'Trail shoe', category: 'Shoes' })).toBe('Trail shoe. Shoes');
    expect(itemText({ title: 'Mug', description: 'Blue, 300 ml.', category: 'Kitchen', attributes: { color: 'blue', size: 300 } })).toBe(
      'Mug. Kitchen. Blue, 300 ml. color: blue, size: 300',
    );
  });

  it('takes a custom template', () => {
    expect(itemText({ title: 'Mug', category: 'Kitchen' }, '{category} / {title}')).toBe('Kitchen / Mug');
  });
});

describe('userVector', () => {
  const now = Date.UTC(2026, 0, 31);
  const day = 86_400_000;

  it('weights recent interactions more (half-life)', () => {
    const v = userVector(
      [
        { vector: Float32Array.from([1, 0]), timestamp: now },
        { vector: Float32Array.from([0, 1]), timestamp: now - 30 * day },
      ],
      { now, halfLifeDays: 30 },
    )!;
    // weights 1 and 0.5 → direction (1, 0.5) normalised
    expect(v[0]).toBeCloseTo(1 / Math.sqrt(1.25), 6);
    expect(v[1]).toBeCloseTo(0.5 / Math.sqrt(1.25), 6);
  });

  it('blends the profile vector and returns undefined with nothing to go on', () => {
    const v = userVector([], { profile: Float32Array.from([0, 2]) })!;
    expect(Array.from(v)).toEqual([0, 1]);
    expect(userVector([])).toBeUndefined();
  });

  it('rejects vectors of mixed dimensions', () => {
    expect(() =>
      userVector([
        { vector: new Float32Array(2), timestamp: now },
        { vector: new Float32Array(3), timestamp: now },
      ]),
    ).toThrow(RangeError);
  });
});
