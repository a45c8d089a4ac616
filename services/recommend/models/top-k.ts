/**
 * Indices of the k largest scores, best first, skipping items for which `skip(i)` is true and
 * scores that are not finite. Ties keep the lower index first. O(n·log k) with a bounded
 * insertion buffer, which beats sorting for the small k of a recommendation list.
 *
 * @example topK(scores, 10, (i) => seen.has(i)) // Int32Array of up to 10 item indices
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (item: number) => boolean): Int32Array {
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) continue;
    if (size === k && s <= val[k - 1]!) continue;
    if (skip && skip(i)) continue;
    let p = size < k ? size++ : k - 1;
    while (p > 0 && val[p - 1]! < s) {
      val[p] = val[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    val[p] = s;
    idx[p] = i;
  }
  return size === k ? idx : idx.slice(0, size);
}
