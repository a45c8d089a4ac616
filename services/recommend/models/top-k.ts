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

/**
 * The k best (score, index) pairs of a stream offered in any order: a min-heap of size k whose
 * root is the worst kept pair, so each offer costs O(log k) rather than the O(k) shift of an
 * insertion buffer (which dominated co-occurrence training: an item can reach tens of thousands of
 * others, with k in the hundreds). Ties rank the lower index first, as {@link topK}'s scan in index
 * order does, so the two agree whatever order the pairs are offered in.
 *
 * @example const best = new TopKHeap(100); best.offer(7, 0.5); best.drain(indicesOut, scoresOut, 0);
 */
export class TopKHeap {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private count = 0;

  constructor(readonly k: number) {
    this.idx = new Int32Array(k);
    this.val = new Float64Array(k);
  }

  get size(): number {
    return this.count;
  }

  /** Whether (a, ia) ranks below (b, ib). */
  private static worse(a: number, ia: number, b: number, ib: number): boolean {
    return a < b || (a === b && ia > ib);
  }

  offer(index: number, score: number): void {
    const { idx, val, k } = this;
    if (k === 0) return;
    if (this.count < k) {
      let p = this.count++;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (!TopKHeap.worse(score, index, val[parent]!, idx[parent]!)) break;
        val[p] = val[parent]!;
        idx[p] = idx[parent]!;
        p = parent;
      }
      val[p] = score;
      idx[p] = index;
      return;
    }
    if (!TopKHeap.worse(val[0]!, idx[0]!, score, index)) return;
    this.siftDown(0, index, score, k);
  }

  private siftDown(start: number, index: number, score: number, size: number): void {
    const { idx, val } = this;
    let p = start;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= size) break;
      if (child + 1 < size && TopKHeap.worse(val[child + 1]!, idx[child + 1]!, val[child]!, idx[child]!)) child++;
      if (!TopKHeap.worse(val[child]!, idx[child]!, score, index)) break;
      val[p] = val[child]!;
      idx[p] = idx[child]!;
      p = child;
    }
    val[p] = score;
    idx[p] = index;
  }

  /**
   * Writes the kept pairs best first into `indices`/`scores` from `offset`, returns how many, and
   * empties the heap for the next stream.
   */
  drain(indices: Int32Array, scores: Float32Array | Float64Array, offset: number): number {
    const n = this.count;
    // Pop the worst to the back: the heap empties into best-first order.
    for (let end = n - 1; end >= 0; end--) {
      indices[offset + end] = this.idx[0]!;
      scores[offset + end] = this.val[0]!;
      const lastIndex = this.idx[end]!;
      const lastScore = this.val[end]!;
      if (end > 0) this.siftDown(0, lastIndex, lastScore, end);
    }
    this.count = 0;
    return n;
  }
}
