import type { TextClassifier } from '../classify/index.ts';
import { sentimentLabel } from './sentiment-label.ts';

/** Ordinary support messages scored to calibrate the negative threshold: enough for a 5 % tail. */
export const REFERENCE_SAMPLE = 1000;

/**
 * The negative threshold that at most `rate` of a reference set of ordinary (neutral) messages
 * reach: the midpoint between the last of them allowed above it and the first kept below, so
 * `confidence >= threshold` flags at most `rate` of them. A sentiment model trained on reviews
 * reads many plain support requests ("track my order", "hello") as negative with 0.6–0.9
 * confidence; this keeps a shop's own traffic from counting as complaints.
 * @example negativeThreshold([0.9, 0.8, 0.7, 0.6], 0.25) // 0.85: only 0.9 reaches it
 */
export function negativeThreshold(referenceConfidences: readonly number[], rate: number): number {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`rate must be in (0, 1], not ${rate}`);
  const d = [...referenceConfidences].sort((a, b) => b - a);
  if (d.length === 0) return 0;
  let allowed = Math.floor(rate * d.length);
  if (allowed >= d.length) return 0;
  // ties at the cut stay below it: "at most" holds
  while (allowed > 0 && d[allowed - 1] === d[allowed]) allowed--;
  // no room for even one: just above the highest (a confidence is at most 1)
  if (allowed === 0) return Math.min(1, d[0]! + 1e-9);
  return (d[allowed - 1]! + d[allowed]!) / 2;
}

/**
 * Up to `n` items spread evenly over `items` (a data set sorted by label keeps every label),
 * in their order.
 */
export function evenSample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

/** The classifier's calibrated confidence in `negative` (or `0`, `neg…`) for each text; undefined without that label. */
export async function negativeConfidences(clf: TextClassifier, texts: readonly string[]): Promise<number[] | undefined> {
  const neg = clf.labels.findIndex((l) => sentimentLabel(l) === 'negative');
  if (neg < 0) return undefined;
  const K = clf.labels.length;
  const p = await clf.probabilities(texts);
  return texts.map((_, r) => p[r * K + neg]!);
}

/** Share of `confidences` at or above `threshold`. */
export const shareAtLeast = (confidences: readonly number[], threshold: number): number =>
  confidences.length ? confidences.filter((c) => c >= threshold).length / confidences.length : 0;
