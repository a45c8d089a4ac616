/** Accuracy and F1 of predicted labels against gold labels. */

export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Share of positions where `predicted` equals `gold`. */
export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  if (gold.length !== predicted.length) throw new RangeError('gold and predicted differ in length');
  if (gold.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) ok++;
  return ok / gold.length;
}

/**
 * Precision, recall and F1 per label, over the labels of `gold` (plus `labels` when given, so
 * a class absent from this test set still counts). A label never predicted has precision 0;
 * one never in gold has recall 0; F1 is 0 when precision + recall is 0 (scikit-learn's
 * `zero_division=0`). Predictions outside these labels (such as `unknown`) count as errors.
 */
export function perClassScores(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassScores[] {
  const all = [...new Set([...(labels ?? []), ...gold])].sort();
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === predicted[i]) inc(tp, gold[i]!);
    else {
      inc(fn, gold[i]!);
      inc(fp, predicted[i]!);
    }
  }
  return all.map((label) => {
    const t = tp.get(label) ?? 0;
    const p = t + (fp.get(label) ?? 0);
    const support = t + (fn.get(label) ?? 0);
    const precision = p ? t / p : 0;
    const recall = support ? t / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
}

/**
 * Unweighted mean of per-label F1 (see {@link perClassScores} for which labels count).
 * @example macroF1(['a', 'b', 'b'], ['a', 'b', 'a']) // (2/3 + 2/3) / 2
 */
export function macroF1(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): number {
  const s = perClassScores(gold, predicted, labels);
  return s.length ? s.reduce((a, c) => a + c.f1, 0) / s.length : 0;
}

/**
 * Selective prediction at a threshold: coverage is the share of texts that got a label other
 * than `abstain`, accuracy the share of those that are right (null when none is covered).
 */
export function coverageAccuracy(gold: readonly string[], predicted: readonly string[], abstain = 'unknown'): { coverage: number; accuracy: number | null } {
  let covered = 0;
  let right = 0;
  for (let i = 0; i < gold.length; i++) {
    if (predicted[i] === abstain) continue;
    covered++;
    if (predicted[i] === gold[i]) right++;
  }
  return { coverage: gold.length ? covered / gold.length : 0, accuracy: covered ? right / covered : null };
}
