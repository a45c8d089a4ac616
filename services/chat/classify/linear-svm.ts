import type { LinearModel } from './linear-model.ts';
import { seededRandom, shuffleInPlace } from './seeded-rng.ts';
import { rowSquaredNorms, type CsrMatrix } from './sparse-matrix.ts';

export interface LinearSvmOptions {
  /** Inverse regularisation strength. @defaultValue 1 */
  c?: number;
  /** Stop when the projected-gradient gap falls below this (liblinear's default). @defaultValue 0.1 */
  tolerance?: number;
  /** Most passes over the data per class. @defaultValue 100 */
  maxPasses?: number;
  /** Seed of the visiting order. @defaultValue 1 */
  seed?: number;
  /** Multiplier of `c` for the examples of each class (e.g. balanced: n / (classes × count)). @defaultValue all 1 */
  classWeights?: ArrayLike<number>;
}

/**
 * One-vs-rest L2-regularised squared-hinge linear SVM, each class solved by dual coordinate
 * descent with shrinking (Hsieh et al. 2008, liblinear's default solver). The intercept is a
 * regularised constant feature of value 1, as liblinear's `-B 1`. Deterministic for a seed.
 * @example const m = trainLinearSvm(x, labels, 77, { c: 1 })
 */
export function trainLinearSvm(x: CsrMatrix, y: Int32Array, classes: number, opts: LinearSvmOptions = {}): LinearModel {
  const C = opts.c ?? 1;
  const eps = opts.tolerance ?? 0.1;
  const maxPasses = opts.maxPasses ?? 100;
  const n = x.rows;
  const F = x.cols;
  const sq = rowSquaredNorms(x);
  // squared hinge: the box constraint becomes a diagonal term 1 / (2 C_i)
  const diag = new Float64Array(n);
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    diag[i] = 0.5 / (C * (opts.classWeights?.[y[i]!] ?? 1));
    qii[i] = sq[i]! + 1 + diag[i]!;
  }
  const weights = new Float32Array(F * classes);
  const bias = new Float32Array(classes);
  const w = new Float64Array(F);
  const alpha = new Float64Array(n);
  const order = new Int32Array(n);
  const { indptr, indices, data } = x;
  const rand = seededRandom(opts.seed ?? 1);

  for (let c = 0; c < classes; c++) {
    w.fill(0);
    alpha.fill(0);
    let b = 0;
    for (let i = 0; i < n; i++) order[i] = i;
    let active = n;
    let pgMaxOld = Infinity;
    for (let pass = 0; pass < maxPasses; pass++) {
      let pgMax = -Infinity;
      let pgMin = Infinity;
      shuffleInPlace(order, rand, active);
      for (let s = 0; s < active; s++) {
        const i = order[s]!;
        const yi = y[i] === c ? 1 : -1;
        let dot = b;
        const a0 = indptr[i]!;
        const a1 = indptr[i + 1]!;
        for (let p = a0; p < a1; p++) dot += w[indices[p]!]! * data[p]!;
        const g = yi * dot - 1 + diag[i]! * alpha[i]!;
        let pg = 0;
        if (alpha[i] === 0) {
          if (g > pgMaxOld) {
            // shrink: this example sits comfortably outside the margin
            active--;
            order[s] = order[active]!;
            order[active] = i;
            s--;
            continue;
          }
          if (g < 0) pg = g;
        } else pg = g;
        if (pg > pgMax) pgMax = pg;
        if (pg < pgMin) pgMin = pg;
        if (Math.abs(pg) > 1e-12) {
          const old = alpha[i]!;
          const next = Math.max(old - g / qii[i]!, 0);
          alpha[i] = next;
          const d = (next - old) * yi;
          for (let p = a0; p < a1; p++) w[indices[p]!]! += d * data[p]!;
          b += d;
        }
      }
      if (pgMax - pgMin <= eps) {
        if (active === n) break;
        active = n; // check the shrunk examples once more before stopping
        pgMaxOld = Infinity;
        continue;
      }
      pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    }
    for (let f = 0; f < F; f++) weights[f * classes + c] = w[f]!;
    bias[c] = b;
  }
  return { classes, features: F, weights, bias };
}
