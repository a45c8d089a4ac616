import { normaliseScores, type ScoreNormalisation } from './blend.ts';
import type { CandidateSource } from './candidate-source.ts';
import { topK } from './top-k.ts';
import type { UserHistory } from './user-history.ts';

/** A validation user: what the sources see, what must not be recommended, what should be. */
export interface ValidationUser {
  history: UserHistory;
  /** 1 for items that may not be recommended (the history, filtered items). */
  skip: Uint8Array;
  relevant: ReadonlySet<number>;
}

/** Options of {@link tuneBlendWeights}. */
export interface BlendTuningOptions {
  /** List length the objective (nDCG@k) is measured at. @defaultValue 10 */
  k?: number;
  /** Each source's top candidates pooled per user; the blend is ranked within the pool. @defaultValue 100 */
  candidatesPerSource?: number;
  /** Weights tried for each source in turn. @defaultValue [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.4, 2, 3] */
  weightGrid?: readonly number[];
  /** Most passes of coordinate ascent. @defaultValue 4 */
  rounds?: number;
  /** @defaultValue 'zscore' */
  normalisation?: ScoreNormalisation;
}

export interface BlendTuningResult {
  weights: number[];
  /** nDCG@k of the tuned blend on the validation users. */
  ndcg: number;
  /** nDCG@k of each source alone. */
  alone: number[];
  evaluations: number;
}

interface PooledUser {
  items: Int32Array;
  /** pool × sources, normalised scores. */
  scores: Float32Array;
  relevant: Uint8Array;
  idcg: number;
}

/**
 * Chooses non-negative blend weights by coordinate ascent on validation nDCG@k: starting from the
 * best single source, each source's weight in turn takes the grid value that scores best, until a
 * pass changes nothing. Each user's normalised source scores are computed once and kept only for
 * a pool (the union of every source's top candidates), so a pass costs little more than ranking
 * the pools.
 *
 * @example const { weights } = tuneBlendWeights([ease, ials, pop], validationUsers);
 */
export function tuneBlendWeights(sources: readonly CandidateSource[], users: readonly ValidationUser[], options: BlendTuningOptions = {}): BlendTuningResult {
  const k = options.k ?? 10;
  const grid = options.weightGrid ?? [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.4, 2, 3];
  const rounds = options.rounds ?? 4;
  const pooled = poolUsers(sources, users, options.candidatesPerSource ?? 100, options.normalisation ?? 'zscore', k);
  const S = sources.length;
  let evaluations = 0;
  const objective = (w: readonly number[]): number => {
    evaluations++;
    return meanNdcg(pooled, w, S, k);
  };
  const alone = sources.map((_, s) => objective(sources.map((__, t) => (t === s ? 1 : 0))));
  const first = alone.indexOf(Math.max(...alone));
  const weights: number[] = sources.map((_, s) => (s === first ? 1 : 0));
  let best = alone[first]!;
  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (let s = 0; s < S; s++) {
      let bestValue = weights[s]!;
      for (const v of grid) {
        if (v === bestValue) continue;
        weights[s] = v;
        if (weights.every((x) => x === 0)) continue;
        const m = objective(weights);
        if (m > best + 1e-9) {
          best = m;
          bestValue = v;
          improved = true;
        }
      }
      weights[s] = bestValue;
    }
    if (!improved) break;
  }
  return { weights, ndcg: best, alone, evaluations };
}

function poolUsers(sources: readonly CandidateSource[], users: readonly ValidationUser[], perSource: number, mode: ScoreNormalisation, k: number): PooledUser[] {
  const S = sources.length;
  const n = sources[0]?.numItems ?? 0;
  const bufs = sources.map(() => new Float32Array(n));
  const out: PooledUser[] = [];
  const mark = new Int32Array(n).fill(-1);
  for (const u of users) {
    if (u.relevant.size === 0) continue;
    const pool: number[] = [];
    for (let s = 0; s < S; s++) {
      sources[s]!.score(u.history, bufs[s]!);
      normaliseScores(bufs[s]!, u.skip, mode);
      for (const i of topK(bufs[s]!, perSource)) {
        if (mark[i] === -1) {
          mark[i] = pool.length;
          pool.push(i);
        }
      }
    }
    const items = Int32Array.from(pool);
    const scores = new Float32Array(items.length * S);
    const relevant = new Uint8Array(items.length);
    for (let p = 0; p < items.length; p++) {
      const i = items[p]!;
      mark[i] = -1;
      for (let s = 0; s < S; s++) scores[p * S + s] = bufs[s]![i]!;
      relevant[p] = u.relevant.has(i) ? 1 : 0;
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(k, u.relevant.size); r++) idcg += 1 / Math.log(r + 2);
    out.push({ items, scores, relevant, idcg });
  }
  return out;
}

function meanNdcg(users: readonly PooledUser[], w: readonly number[], S: number, k: number): number {
  let total = 0;
  let blended = new Float32Array(0);
  for (const u of users) {
    const m = u.items.length;
    if (blended.length < m) blended = new Float32Array(m);
    const view = blended.subarray(0, m);
    for (let p = 0; p < m; p++) {
      let s = 0;
      for (let q = 0; q < S; q++) if (w[q] !== 0) s += w[q]! * u.scores[p * S + q]!;
      view[p] = s;
    }
    const top = topK(view, k);
    let dcg = 0;
    for (let r = 0; r < top.length; r++) if (u.relevant[top[r]!]) dcg += 1 / Math.log(r + 2);
    total += dcg / u.idcg;
  }
  return users.length ? total / users.length : 0;
}
