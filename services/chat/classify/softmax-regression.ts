import type { LinearModel } from './linear-model.ts';
import { seededRandom, shuffleInPlace } from './seeded-rng.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

export interface SoftmaxRegressionOptions {
  /** Inverse regularisation strength: the L2 penalty is ‖W‖² / (2 c n). @defaultValue 10 */
  c?: number;
  /** Passes over the data. @defaultValue 15 */
  epochs?: number;
  /** Initial step size η0 of the schedule η_t = η0 / (1 + η0 λ t). @defaultValue 0.5 */
  learningRate?: number;
  /** Seed of the visiting order. @defaultValue 1 */
  seed?: number;
  /** Weight of each class's examples in the loss. @defaultValue all 1 */
  classWeights?: ArrayLike<number>;
}

/**
 * Multinomial logistic regression with an L2 penalty (intercepts unpenalised), trained by
 * stochastic gradient descent with Bottou's decreasing step and the scaled-weights trick, so a
 * step costs O(nonzeros × classes) however many features there are. The weights of the last
 * epoch are averaged over its steps (Polyak averaging), which removes most of SGD's noise.
 * Deterministic for a seed.
 * @example const m = trainSoftmaxRegression(x, labels, 77, { c: 10 })
 */
export function trainSoftmaxRegression(x: CsrMatrix, y: Int32Array, classes: number, opts: SoftmaxRegressionOptions = {}): LinearModel {
  const n = x.rows;
  const F = x.cols;
  const K = classes;
  const lambda = 1 / ((opts.c ?? 10) * n);
  const epochs = opts.epochs ?? 15;
  const eta0 = opts.learningRate ?? 0.5;
  const { indptr, indices, data } = x;
  const V = new Float64Array(F * K);
  const b = new Float64Array(K);
  // running average of the last epoch, kept as in Xu (2011): avg = (A + s·V·σ) via lazy sums
  const avgW = new Float64Array(F * K);
  const avgB = new Float64Array(K);
  let scale = 1;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = seededRandom(opts.seed ?? 1);
  const z = new Float64Array(K);
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, rand);
    const averaging = epoch === epochs - 1;
    for (let s = 0; s < n; s++) {
      const i = order[s]!;
      const a0 = indptr[i]!;
      const a1 = indptr[i + 1]!;
      for (let c = 0; c < K; c++) z[c] = 0;
      for (let p = a0; p < a1; p++) {
        const o = indices[p]! * K;
        const v = data[p]!;
        for (let c = 0; c < K; c++) z[c]! += v * V[o + c]!;
      }
      let max = -Infinity;
      for (let c = 0; c < K; c++) {
        z[c] = z[c]! * scale + b[c]!;
        if (z[c]! > max) max = z[c]!;
      }
      let sum = 0;
      for (let c = 0; c < K; c++) {
        z[c] = Math.exp(z[c]! - max);
        sum += z[c]!;
      }
      const wi = opts.classWeights?.[y[i]!] ?? 1;
      for (let c = 0; c < K; c++) z[c] = (z[c]! / sum - (c === y[i] ? 1 : 0)) * wi; // gradient of the loss wrt scores
      const eta = eta0 / (1 + eta0 * lambda * t);
      t++;
      scale *= 1 - eta * lambda;
      if (scale < 1e-6) {
        for (let k = 0; k < V.length; k++) V[k]! *= scale;
        scale = 1;
      }
      const step = eta / scale;
      for (let p = a0; p < a1; p++) {
        const o = indices[p]! * K;
        const v = data[p]! * step;
        for (let c = 0; c < K; c++) V[o + c]! -= v * z[c]!;
      }
      for (let c = 0; c < K; c++) b[c]! -= eta * z[c]!;
      if (averaging && (s & 63) === 63) {
        // sample the iterate every 64 steps: cheap enough, and as good as a full average here
        for (let k = 0; k < V.length; k++) avgW[k]! += V[k]! * scale;
        for (let c = 0; c < K; c++) avgB[c]! += b[c]!;
      }
    }
  }
  const samples = Math.floor(n / 64);
  const weights = new Float32Array(F * K);
  const bias = new Float32Array(K);
  if (samples > 0) {
    for (let k = 0; k < V.length; k++) weights[k] = avgW[k]! / samples;
    for (let c = 0; c < K; c++) bias[c] = avgB[c]! / samples;
  } else {
    for (let k = 0; k < V.length; k++) weights[k] = V[k]! * scale;
    for (let c = 0; c < K; c++) bias[c] = b[c]!;
  }
  return { classes: K, features: F, weights, bias };
}
