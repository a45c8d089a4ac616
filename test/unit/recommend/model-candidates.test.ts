import { describe, expect, it } from 'vitest';
import type { CandidateSource } from '../../../services/recommend/models/candidate-source.ts';
import { TrainedRecommender } from '../../../services/recommend/models/trained-recommender.ts';
import type { UserHistory } from '../../../services/recommend/models/user-history.ts';
import { ModelCandidates, type HistoryEntry } from '../../../services/recommend/serving/model-candidates.ts';

const report = { trainSeconds: {}, tuningSeconds: 0, totalSeconds: 0, params: {}, interactions: 0, users: 0 };
const ids = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'];
const titles: Record<string, string> = { i0: 'Alpha', i1: 'Beta', i2: 'Gamma' };
const titleOf = (id: string) => titles[id];

/** cf explains every item by the last history item, and counts how often it is asked. */
function setup() {
  const calls = { explain: 0 };
  const cf: CandidateSource = {
    name: 'cf',
    numItems: 6,
    score: (_h: UserHistory, out: Float32Array) => out.set([9, 8, 7, 6, 5, 4]),
    explain: (h: UserHistory) => {
      calls.explain++;
      return h.items.length - 1;
    },
    toParts: () => ({ kind: 'cf', params: {}, arrays: {} }),
  };
  const popularity: CandidateSource = {
    name: 'popularity',
    numItems: 6,
    score: (_h: UserHistory, out: Float32Array) => out.set([0, 0, 0, 0, 1, 2]),
    toParts: () => ({ kind: 'popularity', params: {}, arrays: {} }),
  };
  const model = new TrainedRecommender(ids, [cf, popularity], [1, 0.1], report);
  return { model, popular: model.withWeights({ popularity: 1 }), calls };
}

const at = (id: string, type: HistoryEntry['type'], ts: number): HistoryEntry => ({ id, type, ts, weight: 1 });

describe('ModelCandidates', () => {
  it('lists the best candidates first, without the excluded and the non-candidates', () => {
    const { model, popular } = setup();
    const list = ModelCandidates.score(model, popular, [at('i0', 'rating', 1000)], { depth: 3, excluded: new Set(['i0', 'i2']), candidate: (id) => id !== 'i3' }, titleOf);
    expect(list.items.map((c) => c.id)).toEqual(['i1', 'i4', 'i5']);
    expect(list.items.map((c) => c.rank)).toEqual([0, 1, 2]);
  });

  it('scores by popularity when the model knows none of the history', () => {
    const { model, popular } = setup();
    const list = ModelCandidates.score(model, popular, [at('new-item', 'view', 1000)], { depth: 2, excluded: new Set(), candidate: () => true }, titleOf);
    expect(list.items.map((c) => c.id)).toEqual(['i5', 'i4']);
    expect(list.reason(list.items[0]!)).toBeUndefined();
  });

  it('explains a shown candidate by the first event on the explaining item, once', () => {
    const { model, popular, calls } = setup();
    // the last history position is i0 again (bought); its first event was a view
    const history = [at('i0', 'view', 1000), at('ghost', 'view', 1500), at('i1', 'rating', 2000), at('i0', 'purchase', 3000)];
    const list = ModelCandidates.score(model, popular, history, { depth: 4, excluded: new Set(['i0', 'i1']), candidate: () => true }, titleOf);
    expect(calls.explain).toBe(0);
    const top = list.items[0]!;
    expect(top.id).toBe('i2');
    expect(list.reason(top)).toBe('because you viewed Alpha');
    expect(list.reason(top)).toBe('because you viewed Alpha');
    expect(calls.explain).toBe(1);
  });

  it('gives no reason when the explaining item has no title', () => {
    const { model, popular } = setup();
    const list = ModelCandidates.score(model, popular, [at('i3', 'rating', 1000)], { depth: 2, excluded: new Set(['i3']), candidate: () => true }, titleOf);
    expect(list.reason(list.items[0]!)).toBeUndefined();
  });

  it('scores the history with the weight of each entry', () => {
    const seen: number[][] = [];
    const cf: CandidateSource = {
      name: 'cf',
      numItems: 6,
      score: (h: UserHistory, out: Float32Array) => {
        seen.push([...h.weights]);
        out.set([9, 8, 7, 6, 5, 4]);
      },
      toParts: () => ({ kind: 'cf', params: {}, arrays: {} }),
    };
    const model = new TrainedRecommender(ids, [cf], [1], report);
    const history = [{ ...at('i0', 'rating', 1000), weight: 1.1875 }, { ...at('i1', 'rating', 2000), weight: 0.6875 }];
    ModelCandidates.score(model, model, history, { depth: 2, excluded: new Set(), candidate: () => true }, titleOf);
    expect(seen).toEqual([[1.1875, 0.6875]]);
  });
});
