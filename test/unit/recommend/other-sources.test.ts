import { describe, expect, it } from 'vitest';
import { ContentSimilarityModel } from '../../../services/recommend/models/content-similarity.ts';
import { InteractionMatrix } from '../../../services/recommend/models/interaction-matrix.ts';
import { ItemCooccurrenceModel } from '../../../services/recommend/models/item-cooccurrence.ts';
import { PopularityModel } from '../../../services/recommend/models/popularity.ts';
import { EMPTY_HISTORY, historyOf } from '../../../services/recommend/models/user-history.ts';
import { twoGroupMatrix } from './fixtures.ts';

describe('ItemCooccurrenceModel', () => {
  const m = twoGroupMatrix();

  it('keeps sorted neighbours within the item’s group and scores histories by them', () => {
    const cooc = ItemCooccurrenceModel.train(m, { neighbours: 5, beta: 0.5 });
    const sim = cooc.similar(m.itemIndex('a1')!, 5);
    expect(sim).toHaveLength(5);
    for (let i = 1; i < sim.length; i++) expect(sim[i - 1]!.score).toBeGreaterThanOrEqual(sim[i]!.score);
    expect(sim.map((s) => m.itemIds[s.item]).filter((id) => id!.startsWith('b'))).toEqual([]);
    const out = new Float32Array(m.numItems);
    cooc.score(historyOf([m.itemIndex('a1')!]), out);
    for (const s of sim) expect(out[s.item]).toBeCloseTo(s.score, 6);
  });

  it('cosine: count / √(count_i · count_j)', () => {
    const mm = InteractionMatrix.fromInteractions(
      [['u1', 'x'], ['u1', 'y'], ['u2', 'x'], ['u3', 'y'], ['u3', 'x']].map(([userId, itemId]) => ({ userId: userId!, itemId: itemId!, weight: 1, timestamp: 0 })),
    );
    const cooc = ItemCooccurrenceModel.train(mm, { normalisation: 'cosine' });
    expect(cooc.similar(mm.itemIndex('x')!, 1)[0]!.score).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
  });
});

describe('PopularityModel', () => {
  it('halves an interaction’s vote every half-life', () => {
    const day = 86400;
    const m = InteractionMatrix.fromInteractions([
      { userId: 'u1', itemId: 'old', weight: 1, timestamp: 0 },
      { userId: 'u2', itemId: 'new', weight: 1, timestamp: 10 * day },
    ]);
    const pop = PopularityModel.train(m, { halfLifeDays: 10 });
    const out = new Float32Array(2);
    pop.score(EMPTY_HISTORY, out);
    expect(out[m.itemIndex('new')!]).toBeCloseTo(1, 6);
    expect(out[m.itemIndex('old')!]).toBeCloseTo(0.5, 6);
    const flat = PopularityModel.train(m, { halfLifeDays: Infinity });
    flat.score(EMPTY_HISTORY, out);
    expect(Array.from(out)).toEqual([1, 1]);
  });

  it('measures age from the clock, not from an interaction dated in the future', () => {
    const day = 86400;
    const now = Date.now() / 1000;
    const m = InteractionMatrix.fromInteractions([
      { userId: 'u1', itemId: 'today', weight: 1, timestamp: now - 60 },
      { userId: 'u2', itemId: 'month', weight: 1, timestamp: now - 30 * day },
      { userId: 'u3', itemId: 'year-2126', weight: 1, timestamp: now + 100 * 365 * day },
    ]);
    const out = new Float32Array(3);
    PopularityModel.train(m, { halfLifeDays: 30 }).score(EMPTY_HISTORY, out);
    // with the future one as "now", both real interactions would decay to zero
    expect(out[m.itemIndex('today')!]).toBeCloseTo(1, 3);
    expect(out[m.itemIndex('month')!]).toBeCloseTo(0.5, 3);
    expect(out[m.itemIndex('year-2126')!]).toBeCloseTo(1, 6);
  });

  it('orders items with nothing recent by their older popularity instead of tying them at zero', () => {
    const day = 86400;
    const old = (itemId: string, n: number) => Array.from({ length: n }, (_, u) => ({ userId: `u${u}`, itemId, weight: 1, timestamp: 0 }));
    // ten years of 7-day half-lives after the old interactions: each decays far below 2^-149
    const m = InteractionMatrix.fromInteractions([...old('once', 1), ...old('thrice', 3), ...old('twice', 2), { userId: 'u9', itemId: 'fresh', weight: 1, timestamp: 3650 * day }]);
    const out = new Float32Array(4);
    PopularityModel.train(m, { halfLifeDays: 7 }).score(EMPTY_HISTORY, out);
    const order = [...out.keys()].sort((a, b) => out[b]! - out[a]!).map((i) => m.itemIds[i]);
    expect(order).toEqual(['fresh', 'thrice', 'twice', 'once']);
    expect(out[m.itemIndex('fresh')!]).toBeCloseTo(1, 5);
  });
});

describe('ContentSimilarityModel', () => {
  // items 0,1: genre A; item 2: genre B; item 3: both
  const vectors = Float32Array.from([1, 0, 1, 0, 0, 1, 1, 1]);
  const content = ContentSimilarityModel.fromVectors(vectors, 2, { recencyHalfLifeDays: 1 });

  it('scores items by their dot product with the recency-weighted taste vector', () => {
    const out = new Float32Array(4);
    content.score(historyOf([0]), out);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(0, 6);
    expect(out[3]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('weights recent history items more', () => {
    const out = new Float32Array(4);
    // genre-A item a day older than the genre-B one: B dominates the taste
    content.score(historyOf([0, 2], [1, 1], [1_000_000, 1_000_000 + 86400]), out);
    expect(out[2]!).toBeGreaterThan(out[1]!);
    expect(Array.from(content.taste(historyOf([0, 2], [1, 1], [5, 5]))).map((x) => Number(x.toFixed(6)))).toEqual([0.5, 0.5]);
  });

  it('scores multi-hot rows (sparse) as their dot product with the taste vector', () => {
    // 60 items with one or two of 30 features: under a quarter non-zero, the CSR path
    const n = 60;
    const d = 30;
    const multiHot = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      multiHot[i * d + (i % d)] = 1;
      if (i % 3 === 0) multiHot[i * d + ((i * 7) % d)] = 1;
    }
    const model = ContentSimilarityModel.fromVectors(multiHot, d, { recencyHalfLifeDays: Infinity });
    const history = historyOf([0, 4, 9], [1, 2, 1], [0, 0, 0]);
    const taste = model.taste(history);
    const out = new Float32Array(n);
    model.score(history, out);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let x = 0; x < d; x++) dot += model.vectors[i * d + x]! * taste[x]!;
      expect(out[i]).toBeCloseTo(dot, 6);
    }
    expect(out[4]).toBeGreaterThan(0);
    expect(out[1]).toBe(0);
  });

  it('does not let a history item dated in the future age the others away', () => {
    const now = Date.now() / 1000;
    // genre A today, genre B dated a century ahead: both count fully, as if both were now
    const taste = content.taste(historyOf([0, 2], [1, 1], [now, now + 100 * 365 * 86400]));
    expect(Array.from(taste).map((x) => Number(x.toFixed(6)))).toEqual([0.5, 0.5]);
  });
});
