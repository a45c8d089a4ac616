import { describe, expect, it } from 'vitest';
import { trainRecommender } from '../../../services/recommend/models/train-recommender.ts';
import { prepareBlendUsers, tuneBlendWeights } from '../../../services/recommend/models/tune-blend.ts';
import type { CandidateSource } from '../../../services/recommend/models/candidate-source.ts';
import { historyOf } from '../../../services/recommend/models/user-history.ts';
import { CATALOGUE, twoGroups } from './fixtures.ts';
import { InteractionMatrix } from '../../../services/recommend/models/interaction-matrix.ts';
import { SOURCE_FACTORIES } from '../../../services/recommend/models/source-registry.ts';
import { carveValidation, validationNdcg } from '../../../services/recommend/models/validation-split.ts';

describe('tuneBlendWeights', () => {
  it('gives weight to the informative source and none to noise', () => {
    const n = 30;
    const users = Array.from({ length: 40 }, (_, u) => {
      const relevant = new Set([u % n, (u + 7) % n]);
      return { history: historyOf([u % n]), skip: new Uint8Array(n), relevant };
    });
    const oracle: CandidateSource = {
      name: 'oracle',
      numItems: n,
      score: (h, out) => {
        for (let i = 0; i < n; i++) out[i] = i === h.items[0] || i === (h.items[0]! + 7) % n ? 1 : 0;
      },
      toParts: () => ({ kind: 'x', params: {}, arrays: {} }),
    };
    const noise: CandidateSource = {
      name: 'noise',
      numItems: n,
      score: (h, out) => {
        for (let i = 0; i < n; i++) out[i] = Math.sin(i * 12.9898 + h.items[0]! * 78.233);
      },
      toParts: () => ({ kind: 'x', params: {}, arrays: {} }),
    };
    const r = tuneBlendWeights(prepareBlendUsers([noise, oracle], users, 10, 5));
    expect(r.weights[1]).toBeGreaterThan(0);
    expect(r.weights[0]).toBe(0);
    expect(r.objective).toBeCloseTo(1, 6);
    expect(r.alone[1]!).toBeGreaterThan(r.alone[0]!);
  });
});

describe('trainRecommender', () => {
  it('tunes on a validation split of its own input and recommends within the user’s group', () => {
    const messages: string[] = [];
    const model = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, {
      seed: 1,
      validationFolds: 2,
      params: { ials: { factors: 4 } },
      sources: ['ease', 'ials', 'cooccurrence', 'popularity'],
      onProgress: (m) => messages.push(m),
    });
    expect(model.sources.map((s) => s.name)).toEqual(['ease', 'ials', 'cooccurrence', 'popularity']);
    expect(model.report.validation?.users).toBeGreaterThan(0);
    expect(model.report.validation?.blend).toBeGreaterThan(0);
    expect(Object.keys(model.report.trainSeconds)).toEqual(['ease', 'ials', 'cooccurrence', 'popularity']);
    expect(model.weights.every((w) => w >= 0) && model.weights.some((w) => w > 0)).toBe(true);
    expect(messages.some((m) => m.startsWith('tuned blend'))).toBe(true);
    const recs = model.recommend(historyOf(['b0', 'b1', 'b2'].map((id) => model.itemIndex(id)!)), 4);
    expect(recs.filter((r) => model.itemIds[r.itemIdx]!.startsWith('b')).length).toBeGreaterThanOrEqual(3);
  });

  it('searches parameters on the mean over searchFolds validation folds', () => {
    const events = twoGroups(60, 5);
    const opts = { seed: 1, validationFolds: 3, sources: ['popularity'] as const, params: { popularity: { halfLifeDays: 30 } } };
    const folds = [0, 1, 2].map((f) => carveValidation(InteractionMatrix.fromInteractions(events, { itemIds: CATALOGUE }), { ratio: 0.8, seed: 1 + f }));
    const measured = (halfLifeDays: number, on: number) => {
      const scores = folds.slice(0, on).map((f) => validationNdcg(SOURCE_FACTORIES.popularity.train(f.train, { halfLifeDays }, { seed: 1, easeMaxItems: 5000 }), f.users, 10));
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    };
    for (const on of [1, 3]) {
      const model = trainRecommender(events, { itemIds: CATALOGUE }, { ...opts, searchFolds: on });
      const chosen = model.report.params.popularity!.halfLifeDays!;
      expect(model.report.validation!.alone.popularity).toBeCloseTo(measured(chosen, on), 10);
      for (const other of [7, 30, 180, 0]) expect(measured(other, on)).toBeLessThanOrEqual(measured(chosen, on) + 1e-12);
    }
  });

  it('skips sources that do not apply and refuses empty input', () => {
    const model = trainRecommender(twoGroups(), { itemIds: CATALOGUE }, { tune: false, easeMaxItems: 10, params: { ials: { factors: 4 } } });
    expect(model.sources.map((s) => s.name)).toEqual(['ials', 'cooccurrence', 'popularity']); // no EASE (too many items), no content (no vectors)
    expect(() => trainRecommender([], undefined, { tune: false })).toThrow(expect.objectContaining({ code: 'RECOMMENDER_NO_INTERACTIONS' }));
  });
});
