import { describe, expect, it } from 'vitest';
import { Blend, normaliseScores } from '../../../services/recommend/models/blend.ts';
import type { CandidateSource } from '../../../services/recommend/models/candidate-source.ts';
import { TrainedRecommender } from '../../../services/recommend/models/trained-recommender.ts';
import { historyOf, type UserHistory } from '../../../services/recommend/models/user-history.ts';

/** A source with fixed scores (and item-to-item explanations: the first history item). */
function fixed(name: string, scores: number[]): CandidateSource {
  return {
    name,
    numItems: scores.length,
    score: (_h: UserHistory, out: Float32Array) => out.set(scores),
    explain: (h: UserHistory) => (h.items.length ? 0 : -1),
    toParts: () => ({ kind: name, params: {}, arrays: {} }),
  };
}

const report = { trainSeconds: {}, tuningSeconds: 0, totalSeconds: 0, params: {}, interactions: 0, users: 0 };

describe('normaliseScores', () => {
  it('z-scores over the candidates only and marks the rest −Infinity', () => {
    const s = Float32Array.from([1, 2, 3, 100]);
    normaliseScores(s, Uint8Array.from([0, 0, 0, 1]), 'zscore');
    expect(Array.from(s.subarray(0, 3)).map((x) => Number(x.toFixed(4)))).toEqual([-1.2247, 0, 1.2247]);
    expect(s[3]).toBe(-Infinity);
  });

  it('rank-normalises to (0, 1]', () => {
    const s = Float32Array.from([5, -1, 3]);
    normaliseScores(s, new Uint8Array(3), 'rank');
    expect(Array.from(s)).toEqual([1, 1 / 3, 2 / 3].map((x) => Math.fround(x)));
  });
});

describe('Blend', () => {
  it('sums weighted normalised scores and never ranks a skipped item', () => {
    const a = fixed('a', [4, 3, 2, 1]);
    const b = fixed('b', [1, 2, 3, 4]);
    const out = new Float32Array(4);
    const parts = new Blend([a, b], [1, 3]).score(historyOf([]), Uint8Array.from([0, 0, 0, 1]), out);
    expect(out[3]).toBe(-Infinity);
    // b dominates: item 2 best
    expect(out[2]!).toBeGreaterThan(out[0]!);
    for (let i = 0; i < 3; i++) expect(out[i]!).toBeCloseTo(parts[0]![i]! + 3 * parts[1]![i]!, 5);
  });
});

describe('TrainedRecommender.recommend', () => {
  const ids = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'];
  const model = new TrainedRecommender(ids, [fixed('cf', [9, 8, 7, 6, 5, 4]), fixed('popularity', [0, 0, 0, 0, 1, 2])], [1, 0.1], report);

  it('excludes the history, the exclusions and filtered-out items', () => {
    const recs = model.recommend(historyOf([0, 2]), 3, { exclude: [1], candidateFilter: (i) => i !== 4 });
    expect(recs.map((r) => r.itemIdx)).toEqual([3, 5]);
  });

  it('keeps the history when asked and reports contributions that sum to the score', () => {
    const recs = model.recommend(historyOf([0]), 2, { excludeHistory: false });
    expect(recs[0]!.itemIdx).toBe(0);
    for (const r of recs) {
      const sum = Object.values(r.contributions).reduce((s, x) => s + x, 0);
      expect(sum).toBeCloseTo(r.score, 5);
      expect(Object.keys(r.contributions).sort()).toEqual(['cf', 'popularity']);
    }
    expect(recs[0]!.because).toEqual({ itemIdx: 0, source: 'cf' });
  });

  it('leaves `because` out when asked, and `because()` gives the one it would have been', () => {
    const h = historyOf([0, 2]);
    const eager = model.recommend(h, 3);
    const lazy = model.recommend(h, 3, { explain: false });
    expect(lazy.every((r) => !('because' in r))).toBe(true);
    expect(lazy.map((r) => [r.itemIdx, r.score, r.contributions])).toEqual(eager.map((r) => [r.itemIdx, r.score, r.contributions]));
    expect(lazy.map((r) => model.because(h, r.itemIdx, r.contributions))).toEqual(eager.map((r) => r.because));
  });

  it('explains by the largest contribution whose source names a history item', () => {
    const silent: CandidateSource = { ...fixed('big', [9, 8, 7, 6, 5, 4]), explain: () => -1 };
    const second: CandidateSource = { ...fixed('small', [6, 5, 4, 3, 2, 1]), explain: (h) => h.items.length - 1 };
    const m = new TrainedRecommender(ids, [silent, second], [5, 1], report);
    const h = historyOf([0, 1]);
    const [top] = m.recommend(h, 1);
    expect(top!.because).toEqual({ itemIdx: 1, source: 'small' });
    expect(m.because(h, top!.itemIdx, top!.contributions)).toEqual(top!.because);
    expect(m.because(h, top!.itemIdx, { big: 1 })).toBeUndefined();
  });

  it('scores one source alone through withWeights', () => {
    const pop = model.withWeights({ popularity: 1 });
    expect(pop.recommend(historyOf([]), 2).map((r) => r.itemIdx)).toEqual([5, 4]);
    expect(Object.keys(pop.recommend(historyOf([]), 1)[0]!.contributions)).toEqual(['popularity']);
  });

  it('finds similar items without the item itself or popularity', () => {
    const sim = model.similar(3, 2);
    expect(sim.map((r) => r.itemIdx)).toEqual([0, 1]);
    expect(sim[0]!.contributions.popularity).toBeUndefined();
    expect(() => model.similar(99, 2)).toThrow(/outside the catalogue/);
  });
});
