import { describe, expect, it } from 'vitest';
import { planRuns } from '../../../services/embed/batch-planner.ts';

const limits = { overhead: 16, maxItems: 64, maxTokens: 4096 };

describe('planRuns', () => {
  it('covers every item exactly once, each run sorted by length', () => {
    const lengths = [30, 5, 12, 7, 90, 8, 31, 6];
    const runs = planRuns(lengths, limits);
    expect(runs.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const run of runs) {
      const ls = run.map((i) => lengths[i]!);
      expect(ls).toEqual([...ls].sort((a, b) => a - b));
    }
  });

  it('separates short texts from long ones when padding would cost more than a run', () => {
    const runs = planRuns([3, 40, 4, 38], limits);
    expect(runs).toEqual([
      [0, 2],
      [3, 1],
    ]);
  });

  it('keeps similar lengths in one run', () => {
    expect(planRuns([10, 11, 12, 10], limits)).toHaveLength(1);
  });

  it('respects the item and padded-token limits', () => {
    const lengths = Array.from({ length: 200 }, () => 20);
    const runs = planRuns(lengths, { overhead: 1000, maxItems: 64, maxTokens: 100_000 });
    expect(Math.max(...runs.map((r) => r.length))).toBeLessThanOrEqual(64);
    const tokenRuns = planRuns(lengths, { overhead: 1000, maxItems: 1000, maxTokens: 400 });
    for (const r of tokenRuns) expect(r.length * 20).toBeLessThanOrEqual(400);
  });

  it('puts a single over-long item in a run of its own', () => {
    const runs = planRuns([5000, 3], { overhead: 1, maxItems: 8, maxTokens: 100 });
    expect(runs).toEqual([[1], [0]]);
  });

  it('returns nothing for nothing', () => {
    expect(planRuns([], limits)).toEqual([]);
  });
});
