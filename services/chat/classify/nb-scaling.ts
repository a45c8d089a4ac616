import type { CsrMatrix } from './sparse-matrix.ts';

/**
 * Naive-Bayes log-count ratios of the columns `[0, cols)` for a two-label problem (Wang &
 * Manning 2012, "Baselines and bigrams"): r_j = |ln((p_j / ‖p‖₁) / (q_j / ‖q‖₁))| with p and q
 * the smoothed counts of texts holding feature j among label 1 and label 0. Scaling a feature
 * by r_j before a linear model penalises discriminative n-grams less than neutral ones (the
 * sign is dropped: a linear model learns it anyway). Columns from `cols` on get 1.
 * @example const r = nbLogCountRatios(x, labels, pipeline.lexicalCols, 0.5); const xs = scaleColumns(x, r)
 */
export function nbLogCountRatios(x: CsrMatrix, y: Int32Array, cols: number, alpha: number): Float32Array {
  const p = new Float64Array(x.cols).fill(alpha);
  const q = new Float64Array(x.cols).fill(alpha);
  for (let r = 0; r < x.rows; r++) {
    const counts = y[r] === 1 ? p : q;
    for (let k = x.indptr[r]!; k < x.indptr[r + 1]!; k++) counts[x.indices[k]!]! += 1;
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < cols; j++) {
    sp += p[j]!;
    sq += q[j]!;
  }
  const out = new Float32Array(x.cols).fill(1);
  for (let j = 0; j < cols; j++) out[j] = Math.abs(Math.log(p[j]! / sp / (q[j]! / sq)));
  return out;
}

/**
 * A copy of `x` with column j multiplied by `scale[j]`, each row's first `cols` columns then
 * L2-normalised again (so the lexical block keeps its weight against the dense block).
 */
export function scaleColumns(x: CsrMatrix, scale: Float32Array, cols: number): CsrMatrix {
  const data = x.data.slice();
  for (let r = 0; r < x.rows; r++) {
    const a = x.indptr[r]!;
    const b = x.indptr[r + 1]!;
    let before = 0;
    let after = 0;
    for (let k = a; k < b; k++) {
      if (x.indices[k]! >= cols) continue;
      before += data[k]! * data[k]!;
      data[k]! *= scale[x.indices[k]!]!;
      after += data[k]! * data[k]!;
    }
    const f = after > 0 ? Math.sqrt(before / after) : 0;
    for (let k = a; k < b && x.indices[k]! < cols; k++) data[k]! *= f;
  }
  return { ...x, data };
}
