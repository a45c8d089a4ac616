import { describe, expect, it } from 'vitest';
import { recommenderToBuffers } from '../../../services/recommend/models/recommender-artifact.ts';
import { recipeOf, sameParams } from '../../../services/recommend/models/recommender-recipe.ts';
import { trainRecommender, type TrainRecommenderOptions } from '../../../services/recommend/models/train-recommender.ts';
import { CATALOGUE, twoGroups } from './fixtures.ts';

const SOURCES = ['ease', 'ials', 'cooccurrence', 'popularity'] as const;
const untuned: TrainRecommenderOptions = { tune: false, sources: SOURCES, params: { ials: { factors: 4 } } };

describe('recipeOf', () => {
  it('reads back the parameters and weights a recommender was trained and is served with', () => {
    const model = trainRecommender(twoGroups(), { itemIds: CATALOGUE }, { ...untuned, weights: { ease: 2, popularity: 0 } });
    const recipe = recipeOf(JSON.parse(JSON.stringify(recommenderToBuffers(model).manifest)));
    expect(recipe.weights).toEqual(model.weightsByName());
    expect(recipe.weights).toMatchObject({ ease: 2, popularity: 0 });
    expect(recipe.params).toEqual(model.report.params);
  });

  it('leaves out sources this code does not know', () => {
    const recipe = recipeOf({
      sources: [
        { name: 'ease', kind: 'ease', weight: 1, params: {}, arrays: [] },
        { name: 'retired', kind: 'retired', weight: 5, params: {}, arrays: [] },
      ],
      report: { trainSeconds: {}, tuningSeconds: 0, totalSeconds: 0, params: { ease: { lambda: 7 }, retired: { x: 1 } }, interactions: 0, users: 0 },
    });
    expect(recipe).toEqual({ params: { ease: { lambda: 7 } }, weights: { ease: 1 } });
  });

  it('compares parameter sets whatever their key order', () => {
    expect(sameParams({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameParams({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameParams({ a: 1 }, { a: 2 })).toBe(false);
  });
});

describe('trainRecommender with the recipe in service as its baseline', () => {
  it('measures the same recipe at exactly the candidate’s figure: same validation users, nothing trained twice', () => {
    const inService = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, untuned);
    const messages: string[] = [];
    // other data (fewer users): another validation split, the same recipe
    const candidate = trainRecommender(twoGroups(50, 6), { itemIds: CATALOGUE }, { ...untuned, baseline: recipeOf(recommenderToBuffers(inService).manifest), onProgress: (m) => messages.push(m) });
    expect(candidate.report.validation!.baseline).toBe(candidate.report.validation!.blend);
    expect(messages.some((m) => m.includes('the recipe in service'))).toBe(true);
  });

  it('weighs only the sources the recipe weighs', () => {
    const candidate = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, { ...untuned, baseline: { params: { popularity: {} }, weights: { popularity: 1, ease: 3 } } });
    const v = candidate.report.validation!;
    // ease has a weight but no parameters in that recipe, so it is not part of it
    expect(v.baseline).toBe(v.alone.popularity);
    expect(v.baseline!).toBeLessThan(v.blend);
  });

  it('trains the sources whose parameters differ from the candidate’s', () => {
    const data = twoGroups(60, 5);
    const lambda = 5_000;
    const baseline = trainRecommender(data, { itemIds: CATALOGUE }, { ...untuned, baseline: { params: { ease: { lambda } }, weights: { ease: 1 } } }).report.validation!;
    const asIfTrained = trainRecommender(data, { itemIds: CATALOGUE }, { ...untuned, params: { ...untuned.params, ease: { lambda } } }).report.validation!;
    expect(baseline.baseline).toBe(asIfTrained.alone.ease);
    expect(baseline.baseline).not.toBe(baseline.alone.ease);
  });

  it('does so when tuning too, on every fold the candidate’s weights are tuned on', () => {
    const options: TrainRecommenderOptions = { seed: 3, validationFolds: 2, sources: ['ease', 'cooccurrence', 'popularity'] };
    const first = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, options);
    const again = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, { ...options, baseline: recipeOf(recommenderToBuffers(first).manifest) });
    expect(again.report.validation!.baseline).toBe(again.report.validation!.blend);
    const poor = trainRecommender(twoGroups(60, 5), { itemIds: CATALOGUE }, { ...options, baseline: { params: { popularity: {} }, weights: { popularity: 1 } } });
    expect(poor.report.validation!.baseline!).toBeLessThan(poor.report.validation!.blend);
  });
});
