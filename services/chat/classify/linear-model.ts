import type { CsrMatrix } from './sparse-matrix.ts';

/**
 * A trained linear head: scores = x · W + b for every class. W is stored feature-major
 * (`weights[f * classes + c]`), so scoring a sparse row touches one contiguous run per entry.
 */
export interface LinearModel {
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Scores of every row for every class, row-major (`out[r * classes + c]`). */
export function linearScores(model: LinearModel, x: CsrMatrix): Float32Array {
  const C = model.classes;
  const out = new Float32Array(x.rows * C);
  const acc = new Float64Array(C);
  const W = model.weights;
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < C; c++) acc[c] = model.bias[c]!;
    for (let p = x.indptr[r]!; p < x.indptr[r + 1]!; p++) {
      const f = x.indices[p]!;
      if (f >= model.features) continue;
      const v = x.data[p]!;
      const o = f * C;
      for (let c = 0; c < C; c++) acc[c]! += v * W[o + c]!;
    }
    out.set(acc, r * C);
  }
  return out;
}
