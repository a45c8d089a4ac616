import { describe, expect, it } from 'vitest';
import { accuracy, coverageAccuracy, groupedStratifiedSplit, macroF1, perClassScores, stratifiedKFold, stratifiedSplit } from '../../../services/chat/eval/index.ts';
import { sameTextKey } from '../../../services/chat/classify/index.ts';

describe('classification metrics', () => {
  it('accuracy counts exact matches', () => {
    expect(accuracy(['a', 'b', 'c', 'a'], ['a', 'b', 'a', 'b'])).toBe(0.5);
    expect(() => accuracy(['a'], [])).toThrow(RangeError);
  });

  it('macro-F1 by hand, with a class never predicted', () => {
    const gold = ['a', 'a', 'b', 'b', 'c'];
    const pred = ['a', 'b', 'b', 'b', 'a'];
    // a: tp 1, fp 1, fn 1 → P 1/2, R 1/2, F1 1/2
    // b: tp 2, fp 1, fn 0 → P 2/3, R 1, F1 0.8
    // c: tp 0 (never predicted) → F1 0
    expect(macroF1(gold, pred)).toBeCloseTo((0.5 + 0.8 + 0) / 3, 10);
    const c = perClassScores(gold, pred).find((s) => s.label === 'c')!;
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('macro-F1 counts a label missing from this test set when the label list names it', () => {
    const gold = ['a', 'b'];
    const pred = ['a', 'b'];
    expect(macroF1(gold, pred)).toBe(1);
    // 'z' is a known label with no test example and no prediction: F1 0 drags the mean down
    expect(macroF1(gold, pred, ['a', 'b', 'z'])).toBeCloseTo(2 / 3, 10);
  });

  it('counts `unknown` as an error in F1 and as abstention in coverage', () => {
    const gold = ['a', 'b', 'b', 'a'];
    const pred = ['a', 'unknown', 'b', 'b'];
    expect(coverageAccuracy(gold, pred)).toEqual({ coverage: 0.75, accuracy: 2 / 3 });
    expect(coverageAccuracy(['a'], ['unknown'])).toEqual({ coverage: 0, accuracy: null });
    expect(perClassScores(gold, pred).map((s) => s.label)).toEqual(['a', 'b']);
  });
});

describe('stratified splits', () => {
  const labels = [...Array(50).fill('x'), ...Array(30).fill('y'), ...Array(20).fill('z'), 'lonely'];

  it('keeps each label in proportion and puts a singleton in train', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 42);
    const count = (idx: number[], l: string) => idx.filter((i) => labels[i] === l).length;
    expect(count(test, 'x')).toBe(10);
    expect(count(test, 'y')).toBe(6);
    expect(count(test, 'z')).toBe(4);
    expect(count(test, 'lonely')).toBe(0);
    expect(train.length + test.length).toBe(labels.length);
    expect(new Set([...train, ...test]).size).toBe(labels.length);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(stratifiedSplit(labels, 0.2, 7)).toEqual(stratifiedSplit(labels, 0.2, 7));
    expect(stratifiedSplit(labels, 0.2, 7).test).not.toEqual(stratifiedSplit(labels, 0.2, 8).test);
  });

  it('k-fold: disjoint test folds covering everything, sizes within one, labels spread', () => {
    const folds = stratifiedKFold(labels, 10, 42);
    expect(folds).toHaveLength(10);
    const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(labels.map((_, i) => i));
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(labels.length);
      expect(f.test.filter((i) => labels[i] === 'x')).toHaveLength(5);
    }
    expect(stratifiedKFold(labels, 10, 42)).toEqual(folds);
  });

  it('grouped: copies of one text land on one side, the rest as stratifiedSplit would', () => {
    const unique = labels.map((_, i) => `text ${i}`);
    expect(groupedStratifiedSplit(labels, unique, 0.2, 42)).toEqual(stratifiedSplit(labels, 0.2, 42));
    // 20 corrections, each trained on three times (CHAT_FEEDBACK_REPEAT), appended to the data
    const texts = [...unique, ...Array.from({ length: 60 }, (_, i) => `  Correction ${Math.floor(i / 3)} `)];
    const all = [...labels, ...Array.from({ length: 60 }, (_, i) => (Math.floor(i / 3) % 2 ? 'x' : 'w'))];
    const keys = texts.map(sameTextKey);
    for (const seed of [1, 2, 3, 42]) {
      const { train, test } = groupedStratifiedSplit(all, keys, 0.2, seed);
      expect([...train, ...test].sort((a, b) => a - b)).toEqual(all.map((_, i) => i));
      const trained = new Set(train.map((i) => keys[i]));
      expect(test.filter((i) => trained.has(keys[i]!))).toEqual([]);
      // 10 'w' corrections: two of them held out, whole
      expect(test.filter((i) => all[i] === 'w')).toHaveLength(6);
    }
    // the ungrouped split does put copies on both sides
    const plain = stratifiedSplit(all, 0.2, 42);
    const plainTrained = new Set(plain.train.map((i) => keys[i]));
    expect(plain.test.filter((i) => plainTrained.has(keys[i]!)).length).toBeGreaterThan(0);
    expect(sameTextKey(' Where is  MY order\n')).toBe(sameTextKey('where is my order'));
  });

  it('rejects impossible arguments', () => {
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(RangeError);
    expect(() => stratifiedKFold(labels, 1, 1)).toThrow(RangeError);
  });
});
