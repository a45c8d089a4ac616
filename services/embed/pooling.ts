export type Pooling = 'mean' | 'cls';

/**
 * Pools one row of a `[batch, seq, hidden]` output into a vector, over the row's first
 * `length` tokens (the rest is padding). Rank-2 outputs (already pooled) are copied.
 */
export function poolRow(
  hidden: Float32Array,
  dims: readonly number[],
  row: number,
  length: number,
  pooling: Pooling,
): Float32Array {
  if (dims.length === 2) {
    const h = dims[1]!;
    return hidden.slice(row * h, (row + 1) * h);
  }
  const seq = dims[1]!;
  const h = dims[2]!;
  const base = row * seq * h;
  if (pooling === 'cls') return hidden.slice(base, base + h);
  // accumulate in float64 so the result does not depend on the padded length
  const acc = new Float64Array(h);
  for (let t = 0; t < length; t++) {
    const off = base + t * h;
    for (let j = 0; j < h; j++) acc[j]! += hidden[off + j]!;
  }
  const out = new Float32Array(h);
  for (let j = 0; j < h; j++) out[j] = acc[j]! / length;
  return out;
}

/** Scales a vector to unit L2 norm in place (a zero vector stays zero). */
export function l2Normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
