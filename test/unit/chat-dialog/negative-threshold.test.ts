import { describe, expect, it } from 'vitest';
import { evenSample, negativeThreshold } from '../../../services/chat/models/negative-threshold.ts';

const flagged = (confidences: number[], t: number) => confidences.filter((c) => c >= t).length;

describe('negativeThreshold', () => {
  it('lets at most the given share of the reference messages reach it, and no fewer when values differ', () => {
    const ref = Array.from({ length: 200 }, (_, i) => i / 200); // 0, 0.005, …, 0.995
    const t = negativeThreshold(ref, 0.05);
    expect(flagged(ref, t)).toBe(10);
    expect(t).toBeCloseTo(0.9475, 10);
    expect(flagged(ref, negativeThreshold(ref, 0.5))).toBe(100);
  });

  it('keeps ties at the cut below it, so "at most" holds', () => {
    const ref = [0.99, 0.9, 0.9, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const t = negativeThreshold(ref, 0.2); // 2 allowed, but three share 0.9
    expect(flagged(ref, t)).toBe(1);
    expect(t).toBeCloseTo(0.945, 10);
  });

  it('goes above every reference message when the share allows none of them, and to 0 at a share of 1', () => {
    expect(flagged([0.7, 0.8], negativeThreshold([0.7, 0.8], 0.1))).toBe(0);
    expect(negativeThreshold([0.7, 0.8], 1)).toBe(0);
    expect(negativeThreshold([], 0.05)).toBe(0);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => negativeThreshold([0.5], 0)).toThrow(RangeError);
    expect(() => negativeThreshold([0.5], 1.5)).toThrow(RangeError);
  });
});

describe('evenSample', () => {
  it('spreads the sample over the whole list, in order, and keeps a short list whole', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => `label${Math.floor(i / 10)}-${i}`);
    const s = evenSample(sorted, 10);
    expect(s).toHaveLength(10);
    expect(new Set(s.map((x) => x.split('-')[0]))).toHaveLength(10);
    expect(evenSample([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });
});
