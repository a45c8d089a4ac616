import { seededRandom, shuffleInPlace } from './seeded-rng.ts';

export interface Split {
  train: number[];
  test: number[];
}

function byLabel(labels: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const g = groups.get(l);
    if (g) g.push(i);
    else groups.set(l, [i]);
  });
  // a fixed label order, so the result does not depend on the order labels first appear in
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Seeded stratified split: each label's examples are shuffled and `round(count × testFraction)`
 * of them go to the test side (at least one when the label has two or more examples, none
 * when it has one). Indices come back ascending.
 * @example const { train, test } = stratifiedSplit(labels, 0.2, 42)
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const rand = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of byLabel(labels).values()) {
    const a = Int32Array.from(idx);
    shuffleInPlace(a, rand);
    const k = a.length < 2 ? 0 : Math.min(a.length - 1, Math.max(1, Math.round(a.length * testFraction)));
    for (let i = 0; i < a.length; i++) (i < k ? test : train).push(a[i]!);
  }
  return { train: train.sort((x, y) => x - y), test: test.sort((x, y) => x - y) };
}

/**
 * Seeded stratified k-fold: each label's shuffled examples are dealt round-robin to the folds
 * (continuing where the previous label stopped), so fold sizes differ by at most one and every
 * fold holds each label in proportion. Returns the k (train, test) pairs.
 * @example for (const { train, test } of stratifiedKFold(labels, 10, 42)) …
 */
export function stratifiedKFold(labels: readonly string[], k: number, seed: number): Split[] {
  if (!Number.isInteger(k) || k < 2 || k > labels.length) throw new RangeError(`k must be an integer in [2, ${labels.length}], got ${k}`);
  const rand = seededRandom(seed);
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const idx of byLabel(labels).values()) {
    const a = Int32Array.from(idx);
    shuffleInPlace(a, rand);
    for (const i of a) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    fold.forEach((g, i) => (g === f ? test : train).push(i));
    return { train, test };
  });
}
