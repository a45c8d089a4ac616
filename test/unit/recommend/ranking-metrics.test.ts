import { describe, expect, it } from 'vitest';
import { rankingMetrics, userRankingMetrics } from '../../../services/recommend/eval/ranking-metrics.ts';

describe('ranking metrics (Microsoft Recommenders definitions)', () => {
  it('computes one user by hand', () => {
    // hits at ranks 1 and 3 of 4 relevant items
    const m = userRankingMetrics([10, 20, 30, 40], new Set([10, 30, 99, 98]), 10);
    expect(m.hits).toBe(2);
    expect(m.precision).toBeCloseTo(2 / 10, 12); // divided by k, not by the list length
    expect(m.recall).toBeCloseTo(2 / 4, 12);
    // their `map`: (1/1 + 2/3) / number of relevant items (4), not / min(k, hits)
    expect(m.averagePrecision).toBeCloseTo((1 + 2 / 3) / 4, 12);
    const dcg = 1 / Math.log(2) + 1 / Math.log(4);
    const idcg = 1 / Math.log(2) + 1 / Math.log(3) + 1 / Math.log(4) + 1 / Math.log(5);
    expect(m.ndcg).toBeCloseTo(dcg / idcg, 12);
  });

  it('only counts the first k recommendations and caps the ideal DCG at k', () => {
    const m = userRankingMetrics([1, 2, 3], new Set([3, 4, 5]), 2);
    expect(m.hits).toBe(0);
    const perfect = userRankingMetrics([1, 2], new Set([1, 2, 3, 4]), 2);
    expect(perfect.ndcg).toBeCloseTo(1, 12);
    expect(perfect.recall).toBeCloseTo(0.5, 12);
  });

  // The fixture and expected values of recommenders' tests/unit/recommenders/evaluation
  // (conftest.py rating_true / rating_pred; test_python_evaluation.py, k = 10, TOL 1e-4).
  const truth = new Map([
    [1, new Set([3, 1, 2])],
    [2, new Set([1, 4, 5, 6, 7])],
    [3, new Set([2, 5, 6, 8, 9, 10, 11, 12, 13, 14])],
  ]);
  // rating_pred sorted by prediction, highest first, per user
  const predicted = new Map([
    [1, [3, 10, 12]],
    [2, [10, 3, 5, 11, 13]],
    [3, [4, 10, 7, 13, 1, 3, 5, 2, 11, 14]],
  ]);

  it('matches the Microsoft Recommenders unit-test figures', () => {
    const m = rankingMetrics([...truth].map(([u, rel]) => ({ recommended: predicted.get(u)!, relevant: rel })), 10);
    expect(m.ndcgAtK).toBeCloseTo(0.38172, 4);
    expect(m.map).toBeCloseTo(0.23613, 4);
    expect(m.precisionAtK).toBeCloseTo(0.26666, 4);
    expect(m.recallAtK).toBeCloseTo(0.37777, 4);
    expect(m.users).toBe(3);
  });

  it('scores a perfect ranking 1 and a list without hits 0', () => {
    const perfect = rankingMetrics([...truth].map(([, rel]) => ({ recommended: [...rel], relevant: rel })), 10);
    expect(perfect.ndcgAtK).toBeCloseTo(1, 12);
    expect(perfect.map).toBeCloseTo(1, 12);
    expect(perfect.recallAtK).toBeCloseTo(1, 12);
    expect(perfect.precisionAtK).toBeCloseTo(0.6, 12); // 18 relevant items / (3 users × 10), as theirs
    const none = rankingMetrics([...truth].map(([, rel]) => ({ recommended: [100], relevant: rel })), 10);
    expect(none).toMatchObject({ map: 0, ndcgAtK: 0, precisionAtK: 0, recallAtK: 0 });
  });

  it('averages nDCG over every user with relevant items but the others over users with a list', () => {
    const m = rankingMetrics(
      [
        { recommended: [1], relevant: new Set([1]) },
        { recommended: null, relevant: new Set([2]) },
        { recommended: [3], relevant: new Set() },
      ],
      10,
    );
    expect(m.users).toBe(2);
    expect(m.ndcgAtK).toBeCloseTo(0.5, 12);
    expect(m.precisionAtK).toBeCloseTo(0.1, 12);
    expect(m.recallAtK).toBeCloseTo(1, 12);
  });
});
