/**
 * Splits a set of items into inference runs so as to minimise total cost, where a run of
 * items costs `overhead + count × longest` (padding makes every row as long as the longest).
 * Items are sorted by length and cut into contiguous runs by dynamic programming; runs
 * respect the size and padded-token limits.
 *
 * @returns runs as arrays of indices into `lengths`, shortest items first
 * @example planRuns([3, 40, 4, 38], { overhead: 16, maxItems: 64, maxTokens: 4096 }) // [[0, 2], [3, 1]]
 */
export function planRuns(
  lengths: readonly number[],
  limits: { overhead: number; maxItems: number; maxTokens: number },
): number[][] {
  const n = lengths.length;
  if (n === 0) return [];
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const sorted = order.map((i) => lengths[i]!);
  // best[j] = cheapest plan for the first j sorted items; cut[j] = where its last run starts
  const best = new Float64Array(n + 1).fill(Infinity);
  const cut = new Int32Array(n + 1);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    const longest = sorted[j - 1]!;
    for (let i = j - 1; i >= 0; i--) {
      const count = j - i;
      // a single item always forms a run, even past maxTokens: it cannot be split
      if (count > 1 && (count > limits.maxItems || count * longest > limits.maxTokens)) break;
      const cost = best[i]! + limits.overhead + count * longest;
      if (cost < best[j]!) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  const runs: number[][] = [];
  for (let j = n; j > 0; j = cut[j]!) runs.push(order.slice(cut[j]!, j));
  return runs.reverse();
}
