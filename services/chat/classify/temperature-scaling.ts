/**
 * Softmax with temperature and its fitting (Guo et al. 2017): one scalar T that divides the
 * scores, chosen to minimise the negative log-likelihood of held-out labels. It changes the
 * confidences, never the ranking.
 */

/** Row-wise softmax of `scores / t` (row-major, `classes` columns) into a new array. */
export function softmaxRows(scores: ArrayLike<number>, classes: number, t = 1): Float64Array {
  const out = new Float64Array(scores.length);
  for (let o = 0; o < scores.length; o += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[o + c]! / t);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(scores[o + c]! / t - max);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[o + c]! /= sum;
  }
  return out;
}

/**
 * Mean negative log-likelihood of the labels under `softmax(scores / t)`; with `smoothing` ε,
 * the cross-entropy against targets of 1 − ε on the label and ε spread over the others.
 */
export function meanNll(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number, t = 1, smoothing = 0): number {
  let total = 0;
  const other = classes > 1 ? smoothing / (classes - 1) : 0;
  for (let r = 0; r < labels.length; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[o + c]! / t);
    let sum = 0;
    let all = 0;
    for (let c = 0; c < classes; c++) {
      sum += Math.exp(scores[o + c]! / t - max);
      all += scores[o + c]! / t;
    }
    const logZ = max + Math.log(sum);
    const own = scores[o + labels[r]!]! / t;
    total += (1 - smoothing) * (logZ - own) + other * ((classes - 1) * logZ - (all - own));
  }
  return total / Math.max(1, labels.length);
}

/**
 * The temperature in [0.005, 100] that minimises held-out NLL: golden-section search on ln T
 * (the NLL is unimodal in T for fixed scores). When every held-out text is classified right,
 * plain NLL keeps falling as T → 0 and would make any input, out-of-scope ones included, look
 * certain; `smoothing` (label smoothing ε, e.g. 1 / (n + 2)) keeps the fit finite there.
 * @example const t = fitTemperature(holdoutScores, holdoutLabels, 77); const p = softmaxRows(scores, 77, t)
 */
export function fitTemperature(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number, smoothing = 0): number {
  if (labels.length === 0) return 1;
  const f = (logT: number) => meanNll(scores, labels, classes, Math.exp(logT), smoothing);
  let a = Math.log(0.005);
  let b = Math.log(100);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let i = 0; i < 60; i++) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = f(x2);
    }
  }
  return Math.exp((a + b) / 2);
}
