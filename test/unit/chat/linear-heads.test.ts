import { describe, expect, it } from 'vitest';
import { linearScores } from '../../../services/chat/classify/linear-model.ts';
import { trainLinearSvm } from '../../../services/chat/classify/linear-svm.ts';
import { nbLogCountRatios, scaleColumns } from '../../../services/chat/classify/nb-scaling.ts';
import { seededRandom } from '../../../services/chat/classify/seeded-rng.ts';
import { trainSoftmaxRegression } from '../../../services/chat/classify/softmax-regression.ts';
import { CsrBuilder, type CsrMatrix } from '../../../services/chat/classify/sparse-matrix.ts';
import { fitTemperature, meanNll, softmaxRows } from '../../../services/chat/classify/temperature-scaling.ts';

/** Three classes, each owning two of six features; every row also has some shared noise features. */
function toySet(n: number, seed: number, noise = 0): { x: CsrMatrix; y: Int32Array } {
  const rand = seededRandom(seed);
  const b = new CsrBuilder(9);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    const row = new Map<number, number>();
    // the class's own features, or (with probability `noise`) another class's
    const owner = rand() < noise ? (c + 1 + Math.floor(rand() * 2)) % 3 : c;
    row.set(owner * 2 + (rand() < 0.5 ? 0 : 1), 1);
    row.set(6 + Math.floor(rand() * 3), 0.5 + rand());
    for (const col of [...row.keys()].sort((a, b) => a - b)) b.push(col, row.get(col)!);
    b.endRow();
  }
  return { x: b.build(), y };
}

function accuracy(scores: Float32Array, y: Int32Array, k: number): number {
  let ok = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[r * k + c]! > scores[r * k + best]!) best = c;
    if (best === y[r]) ok++;
  }
  return ok / y.length;
}

describe('linear heads', () => {
  const train = toySet(300, 1);
  const test = toySet(90, 2);

  it('softmax regression learns a separable toy set', () => {
    const m = trainSoftmaxRegression(train.x, train.y, 3, { c: 10, epochs: 10 });
    expect(accuracy(linearScores(m, test.x), test.y, 3)).toBe(1);
    // and its probabilities are confident on the training rows
    const p = softmaxRows(linearScores(m, train.x), 3);
    expect(p[train.y[0]!]).toBeGreaterThan(0.8);
  });

  it('the linear SVM learns the same set', () => {
    const m = trainLinearSvm(train.x, train.y, 3, { c: 1 });
    expect(accuracy(linearScores(m, test.x), test.y, 3)).toBe(1);
  });

  it('training is deterministic for a seed', () => {
    const a = trainSoftmaxRegression(train.x, train.y, 3, { seed: 5, epochs: 3 });
    const b = trainSoftmaxRegression(train.x, train.y, 3, { seed: 5, epochs: 3 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const s = trainLinearSvm(train.x, train.y, 3, { seed: 5 });
    const t = trainLinearSvm(train.x, train.y, 3, { seed: 5 });
    expect(Array.from(s.weights)).toEqual(Array.from(t.weights));
  });

  it('stronger regularisation gives smaller weights', () => {
    const norm = (w: Float32Array) => Math.hypot(...w);
    const loose = trainLinearSvm(train.x, train.y, 3, { c: 10 });
    const tight = trainLinearSvm(train.x, train.y, 3, { c: 0.01 });
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights));
  });
});

describe('temperature scaling', () => {
  it('lowers the NLL of held-out data for an overconfident model', () => {
    // noisy labels: scores from a model trained hard (large c) are too confident
    const fit = toySet(300, 3, 0.25);
    const cal = toySet(300, 4, 0.25);
    const held = toySet(300, 5, 0.25);
    const m = trainLinearSvm(fit.x, fit.y, 3, { c: 100 });
    const scale = 20; // blow the scores up: an overconfident model
    const sc = linearScores(m, cal.x).map((v) => v * scale);
    const sh = linearScores(m, held.x).map((v) => v * scale);
    const t = fitTemperature(sc, cal.y, 3);
    expect(t).toBeGreaterThan(1);
    expect(meanNll(sh, held.y, 3, t)).toBeLessThan(meanNll(sh, held.y, 3, 1));
  });

  it('finds the NLL minimum of a known case', () => {
    // one row, scores [s, 0], label 0 half the time and 1 half the time: best p = 0.5, so T → large
    const scores = Float64Array.from([2, 0, 2, 0]);
    const t = fitTemperature(scores, Int32Array.from([0, 1]), 2);
    expect(t).toBeGreaterThan(50);
    // all rows right: sharper is better, so T → small
    expect(fitTemperature(scores, Int32Array.from([0, 0]), 2)).toBeLessThan(0.05);
  });
});

describe('NB scaling', () => {
  it('computes log-count ratios by hand', () => {
    // feature 0 in both positives, feature 1 in the negative only
    const b = new CsrBuilder(2);
    b.push(0, 1);
    b.endRow();
    b.push(0, 1);
    b.endRow();
    b.push(1, 1);
    b.endRow();
    const x = b.build();
    const r = nbLogCountRatios(x, Int32Array.from([1, 1, 0]), 2, 1);
    // p = [3, 1] / 4, q = [1, 2] / 3
    expect(r[0]).toBeCloseTo(Math.abs(Math.log(3 / 4 / (1 / 3))), 6);
    expect(r[1]).toBeCloseTo(Math.abs(Math.log(1 / 4 / (2 / 3))), 6);
    const s = scaleColumns(x, r, 2);
    expect(s.data[0]).toBeCloseTo(1, 6); // one entry per row: unit length again
  });
});

describe('label-smoothed temperature fit', () => {
  it('stays finite when every held-out row is right', () => {
    const scores = Float64Array.from([2, 0, 3, 0, 1, 0]);
    const y = Int32Array.from([0, 0, 0]);
    expect(fitTemperature(scores, y, 2)).toBeLessThan(0.01);
    const t = fitTemperature(scores, y, 2, 1 / 5);
    expect(t).toBeGreaterThan(0.3);
    // at ε the mean confidence in the label sits near 1 − ε
    const p = softmaxRows(scores, 2, t);
    expect((p[0]! + p[2]! + p[4]!) / 3).toBeGreaterThan(0.7);
    expect((p[0]! + p[2]! + p[4]!) / 3).toBeLessThan(0.9);
  });
});
