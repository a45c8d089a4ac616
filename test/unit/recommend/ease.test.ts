import { describe, expect, it } from 'vitest';
import { EaseModel, gram } from '../../../services/recommend/models/ease.ts';
import { InteractionMatrix } from '../../../services/recommend/models/interaction-matrix.ts';
import { cholesky, invertSpdInPlace } from '../../../services/recommend/models/spd-inverse.ts';
import { historyOf } from '../../../services/recommend/models/user-history.ts';
import { dense, referenceInverse, twoGroupMatrix } from './fixtures.ts';

describe('invertSpdInPlace', () => {
  it('inverts a symmetric positive-definite matrix', () => {
    const n = 9;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = Math.sin(i * 7 + j * 3) * 0.3;
    for (let i = 0; i < n; i++) a[i * n + i] = a[i * n + i]! + n;
    const inv = a.slice();
    invertSpdInPlace(inv, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('EaseModel', () => {
  const m = twoGroupMatrix();
  const n = m.numItems;
  const lambda = 5;

  it('equals B = I − P·diag(1/diag(P)) computed directly', () => {
    const x = dense(m);
    const g = new Float64Array(n * n);
    for (let u = 0; u < m.numUsers; u++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j]! += x[u * n + i]! * x[u * n + j]!;
    for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
    const p = referenceInverse(g, n);
    const ease = EaseModel.train(m, { lambda });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const expected = i === j ? 0 : -p[i * n + j]! / p[j * n + j]!;
        expect(ease.weights[i * n + j]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('scores a history as the sum of its rows of B, and favours the history’s own group', () => {
    const ease = EaseModel.train(m, { lambda });
    const a1 = m.itemIndex('a1')!;
    const a2 = m.itemIndex('a2')!;
    const out = new Float32Array(n);
    ease.score(historyOf([a1, a2]), out);
    for (let j = 0; j < n; j++) expect(out[j]).toBeCloseTo(ease.weights[a1 * n + j]! + ease.weights[a2 * n + j]!, 6);
    const bestA = Math.max(...['a3', 'a4', 'a5'].map((id) => out[m.itemIndex(id)!]!));
    const bestB = Math.max(...['b3', 'b4', 'b5'].map((id) => out[m.itemIndex(id)!]!));
    expect(bestA).toBeGreaterThan(bestB);
    expect(ease.explain(historyOf([a1, a2]), m.itemIndex('a3')!)).toBeGreaterThanOrEqual(0);
  });

  it('weights co-occurrences close in time more with a session kernel', () => {
    const events = [
      { userId: 'u', itemId: 'x', weight: 1, timestamp: 0 },
      { userId: 'u', itemId: 'y', weight: 1, timestamp: 10 },
      { userId: 'u', itemId: 'z', weight: 1, timestamp: 100_000 },
    ];
    const mm = InteractionMatrix.fromInteractions(events);
    const g = gram(mm, { baseWeight: 0.2, timeScaleSeconds: 60 });
    const [x, y, z] = ['x', 'y', 'z'].map((id) => mm.itemIndex(id)!) as [number, number, number];
    const at = (i: number, j: number) => g[Math.max(i, j) * 3 + Math.min(i, j)]!;
    expect(at(x, x)).toBe(1);
    expect(at(x, y)).toBeCloseTo(0.2 + 0.8 * Math.exp(-10 / 60), 10);
    expect(at(x, z)).toBeCloseTo(0.2, 6);
  });

  it('refuses a catalogue above maxItems', () => {
    expect(() => EaseModel.train(m, { maxItems: 5 })).toThrow(/limited to 5 items/);
  });
});
