import type { UserHistory } from './user-history.ts';

/**
 * Adds a history's terms to a user's iALS system: Σ_k c_k·h_k·h_kᵀ to the lower triangle of `a`
 * (row-major d×d) and Σ_k c_k·h_k to `b`, with h_k the factors of history item k (rows of the
 * row-major `itemFactors`) and c_k its weight. Every entry takes its terms one at a time in
 * history order, exactly as a loop over the history item by item would, so the user vector
 * (and every score) is bit-for-bit the same; the work is m·d²/2 multiply-adds for m items.
 *
 * @example const a = gramian.slice(); const b = new Float64Array(d); addHistoryTerms(a, b, factors, d, history);
 */
export function addHistoryTerms(a: Float64Array, b: Float64Array, itemFactors: Float32Array, d: number, history: UserHistory): void {
  const hf = itemFactors;
  const { items, weights } = history;
  const m = items.length;
  // Eight history items per pass over the triangle: every entry still takes its terms in
  // history order, so the sums are the same as one item per pass, for an eighth of the
  // loads and stores of `a`.
  let k = 0;
  for (; k + 8 <= m; k += 8) {
    const c0 = weights[k]!;
    const c1 = weights[k + 1]!;
    const c2 = weights[k + 2]!;
    const c3 = weights[k + 3]!;
    const c4 = weights[k + 4]!;
    const c5 = weights[k + 5]!;
    const c6 = weights[k + 6]!;
    const c7 = weights[k + 7]!;
    const o0 = items[k]! * d;
    const o1 = items[k + 1]! * d;
    const o2 = items[k + 2]! * d;
    const o3 = items[k + 3]! * d;
    const o4 = items[k + 4]! * d;
    const o5 = items[k + 5]! * d;
    const o6 = items[k + 6]! * d;
    const o7 = items[k + 7]! * d;
    for (let x = 0; x < d; x++) {
      const hx0 = c0 * hf[o0 + x]!;
      const hx1 = c1 * hf[o1 + x]!;
      const hx2 = c2 * hf[o2 + x]!;
      const hx3 = c3 * hf[o3 + x]!;
      const hx4 = c4 * hf[o4 + x]!;
      const hx5 = c5 * hf[o5 + x]!;
      const hx6 = c6 * hf[o6 + x]!;
      const hx7 = c7 * hf[o7 + x]!;
      b[x] = b[x]! + hx0 + hx1 + hx2 + hx3 + hx4 + hx5 + hx6 + hx7;
      const row = x * d;
      for (let y = 0; y <= x; y++) {
        a[row + y] =
          a[row + y]! +
          hx0 * hf[o0 + y]! +
          hx1 * hf[o1 + y]! +
          hx2 * hf[o2 + y]! +
          hx3 * hf[o3 + y]! +
          hx4 * hf[o4 + y]! +
          hx5 * hf[o5 + y]! +
          hx6 * hf[o6 + y]! +
          hx7 * hf[o7 + y]!;
      }
    }
  }
  for (; k < m; k++) {
    const c = weights[k]!;
    const o = items[k]! * d;
    for (let x = 0; x < d; x++) {
      const hx = c * hf[o + x]!;
      b[x]! += hx;
      for (let y = 0; y <= x; y++) a[x * d + y]! += hx * hf[o + y]!;
    }
  }
}
