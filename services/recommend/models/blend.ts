import type { CandidateSource } from './candidate-source.ts';
import type { UserHistory } from './user-history.ts';

/** How each source's scores are put on one scale before weighting, per user. */
export type ScoreNormalisation = 'zscore' | 'rank';

/**
 * Turns raw scores into comparable ones over the candidates (items not skipped), in place:
 * 'zscore' subtracts the candidates' mean and divides by their standard deviation; 'rank' maps
 * the best candidate to 1 and the worst towards 0 (1 − rank/candidates). Skipped items get
 * −Infinity.
 */
export function normaliseScores(scores: Float32Array, skip: Uint8Array, mode: ScoreNormalisation): void {
  const n = scores.length;
  if (mode === 'rank') {
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (!skip[i]) order.push(i);
    order.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const m = order.length;
    for (let i = 0; i < n; i++) if (skip[i]) scores[i] = -Infinity;
    for (let r = 0; r < m; r++) scores[order[r]!] = 1 - r / m;
    return;
  }
  let sum = 0;
  let sq = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (skip[i]) continue;
    const s = scores[i]!;
    sum += s;
    sq += s * s;
    m++;
  }
  const mean = m ? sum / m : 0;
  const sd = Math.sqrt(Math.max(m ? sq / m - mean * mean : 0, 0));
  const inv = sd > 1e-12 ? 1 / sd : 0;
  for (let i = 0; i < n; i++) scores[i] = skip[i] ? -Infinity : (scores[i]! - mean) * inv;
}

/**
 * A weighted sum of candidate sources, each normalised per user over the candidates first (so
 * weights compare sources, not their score scales). Sources with weight 0 are not run.
 *
 * @example const blend = new Blend([ease, ials, popularity], [1, 0.6, 0.1]);
 */
export class Blend {
  private readonly buffers: Float32Array[];

  constructor(
    readonly sources: readonly CandidateSource[],
    readonly weights: readonly number[],
    readonly normalisation: ScoreNormalisation = 'zscore',
  ) {
    this.buffers = sources.map((s) => new Float32Array(s.numItems));
  }

  get numItems(): number {
    return this.sources[0]?.numItems ?? 0;
  }

  /**
   * Writes the blended score of every candidate into `out` (skipped items: −Infinity) and returns
   * each source's normalised scores (views reused by the next call; null for unused sources).
   */
  score(history: UserHistory, skip: Uint8Array, out: Float32Array): (Float32Array | null)[] {
    out.fill(0);
    const parts: (Float32Array | null)[] = [];
    for (let s = 0; s < this.sources.length; s++) {
      const w = this.weights[s]!;
      if (w === 0) {
        parts.push(null);
        continue;
      }
      const buf = this.buffers[s]!;
      this.sources[s]!.score(history, buf);
      normaliseScores(buf, skip, this.normalisation);
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * buf[i]!;
      parts.push(buf);
    }
    for (let i = 0; i < out.length; i++) if (skip[i]) out[i] = -Infinity;
    return parts;
  }
}
