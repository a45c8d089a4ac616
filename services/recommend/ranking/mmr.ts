export interface MmrCandidate {
  id: string;
  /** Relevance, any scale: rescaled to [0, 1] over the candidates. */
  score: number;
  /** Unit vector used for similarity between candidates (undefined: similar to nothing). */
  vector: Float32Array | undefined;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks `k` candidates one at a
 * time, trading relevance against similarity to what was already picked.
 * `diversity` 0 keeps the relevance order; 1 cares only about being different.
 * @example mmr(candidates, 10, 0.3)
 */
export function mmr<C extends MmrCandidate>(candidates: readonly C[], k: number, diversity: number): C[] {
  if (diversity <= 0 || candidates.length <= 1) return [...candidates].sort((a, b) => b.score - a.score).slice(0, k);
  const lambda = 1 - Math.min(1, diversity);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of candidates) {
    lo = Math.min(lo, c.score);
    hi = Math.max(hi, c.score);
  }
  const span = hi - lo || 1;
  const rel = candidates.map((c) => (c.score - lo) / span);
  const maxSim = new Float64Array(candidates.length).fill(0);
  const taken = new Uint8Array(candidates.length);
  const out: C[] = [];
  while (out.length < Math.min(k, candidates.length)) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const value = lambda * rel[i]! - (1 - lambda) * maxSim[i]!;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    taken[best] = 1;
    const picked = candidates[best]!;
    out.push(picked);
    if (picked.vector) {
      for (let i = 0; i < candidates.length; i++) {
        const v = candidates[i]!.vector;
        if (!taken[i] && v) maxSim[i] = Math.max(maxSim[i]!, dot(v, picked.vector));
      }
    }
  }
  return out;
}
