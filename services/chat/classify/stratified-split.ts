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
 * The same text for the purposes of a split: Unicode-normalised, trimmed, lower-cased, runs of
 * white space as one space.
 * @example sameTextKey('  Where is MY order ') === sameTextKey('where is my order') // true
 */
export function sameTextKey(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * {@link stratifiedSplit} that keeps the examples of one group together: the groups are split,
 * stratified by the label of each group's first example, and every example goes where its
 * group went. Copies of one text on both sides would make held-out accuracy count the copies
 * trained on as unseen: an intent correction trained on `CHAT_FEEDBACK_REPEAT` times, or a data
 * set's duplicate rows. With every group of one example, the split is stratifiedSplit's.
 * @example const { train, test } = groupedStratifiedSplit(labels, texts.map(sameTextKey), 0.15, 42)
 */
export function groupedStratifiedSplit(labels: readonly string[], groups: readonly string[], testFraction: number, seed: number): Split {
  if (groups.length !== labels.length) throw new RangeError(`${groups.length} groups for ${labels.length} labels`);
  const unitOf = new Map<string, number>();
  const members: number[][] = [];
  groups.forEach((g, i) => {
    const u = unitOf.get(g);
    if (u === undefined) {
      unitOf.set(g, members.length);
      members.push([i]);
    } else members[u]!.push(i);
  });
  const units = stratifiedSplit(members.map((m) => labels[m[0]!]!), testFraction, seed);
  const expand = (us: number[]) => us.flatMap((u) => members[u]!).sort((x, y) => x - y);
  return { train: expand(units.train), test: expand(units.test) };
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
