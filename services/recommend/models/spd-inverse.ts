import { appError } from '../../../shared/errors/index.ts';

/**
 * Inverts a symmetric positive-definite n×n matrix in place (row-major Float64Array; only the
 * lower triangle of the input is read), in n³/2 multiply-adds and no extra n×n buffer:
 *
 * 1. Cholesky A = L·Lᵀ, row by row (each entry a dot product of two contiguous row prefixes);
 * 2. L⁻¹ in place, row by row (each row an accumulation of earlier rows, through one scratch row);
 * 3. L⁻¹ is mirrored into the upper triangle as U = L⁻ᵀ, and A⁻¹ = U·Uᵀ is formed in the lower
 *    triangle, each entry a dot product of two contiguous row suffixes of U; then mirrored.
 *
 * All inner loops walk memory contiguously, unrolled by four with separate accumulators.
 *
 * @example const p = gram.slice(); invertSpdInPlace(p, n); // p is now gram⁻¹
 */
export function invertSpdInPlace(a: Float64Array, n: number): void {
  if (a.length !== n * n) throw appError('VALIDATION_FAILED', `matrix has ${a.length} entries, expected ${n}×${n}`);
  cholesky(a, n);
  invertLower(a, n);
  multiplyUpperByTranspose(a, n);
}

/** In-place lower Cholesky factor; throws when the matrix is not positive definite. */
export function cholesky(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = a[ri + j]! - dot(a, ri, a, rj, j);
      if (i === j) {
        if (!(s > 0)) throw appError('INTERNAL', `matrix is not positive definite (pivot ${i} is ${s})`, { pivot: i });
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j]!;
      }
    }
  }
}

/** Replaces the lower-triangular factor in `a` by its inverse (also lower triangular). */
function invertLower(a: Float64Array, n: number): void {
  const tmp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    tmp.fill(0, 0, i);
    // row_i(L⁻¹)[0..i) = -(1/L_ii) Σ_{k<i} L_ik · row_k(L⁻¹)[0..k]
    for (let k = 0; k < i; k++) {
      const f = a[ri + k]!;
      if (f !== 0) axpy(tmp, a, k * n, f, k + 1);
    }
    const d = 1 / a[ri + i]!;
    for (let j = 0; j < i; j++) a[ri + j] = -tmp[j]! * d;
    a[ri + i] = d;
  }
}

/** With L⁻¹ in the lower triangle, leaves (L⁻¹)ᵀ·L⁻¹ = A⁻¹ in the whole matrix. */
function multiplyUpperByTranspose(a: Float64Array, n: number): void {
  // U = (L⁻¹)ᵀ into the (free) strict upper triangle; the diagonal is shared.
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) a[i * n + k] = a[k * n + i]!;
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    // P_ij = Σ_{k≥i} U_ik·U_jk for j ≤ i: reads only U's row suffixes from column i on, which
    // sit on or above the diagonal, so writing P_ij (j < i) below the diagonal is safe.
    for (let j = 0; j < i; j++) a[ri + j] = dotFrom(a, ri, j * n, i, n);
    diag[i] = dotFrom(a, ri, ri, i, n);
  }
  for (let i = 0; i < n; i++) {
    a[i * n + i] = diag[i]!;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  }
}

/** Σ_{k<len} x[xo+k]·y[yo+k]. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += x[xo + k]! * y[yo + k]!;
    s1 += x[xo + k + 1]! * y[yo + k + 1]!;
    s2 += x[xo + k + 2]! * y[yo + k + 2]!;
    s3 += x[xo + k + 3]! * y[yo + k + 3]!;
  }
  for (; k < len; k++) s0 += x[xo + k]! * y[yo + k]!;
  return s0 + s1 + s2 + s3;
}

/** Σ_{from≤k<to} a[r1+k]·a[r2+k]. */
function dotFrom(a: Float64Array, r1: number, r2: number, from: number, to: number): number {
  return dot(a, r1 + from, a, r2 + from, to - from);
}

/** y[0..len) += f · x[xo..xo+len). */
function axpy(y: Float64Array, x: Float64Array, xo: number, f: number, len: number): void {
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    y[k] = y[k]! + f * x[xo + k]!;
    y[k + 1] = y[k + 1]! + f * x[xo + k + 1]!;
    y[k + 2] = y[k + 2]! + f * x[xo + k + 2]!;
    y[k + 3] = y[k + 3]! + f * x[xo + k + 3]!;
  }
  for (; k < len; k++) y[k] = y[k]! + f * x[xo + k]!;
}
