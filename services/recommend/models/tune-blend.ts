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
  /** Weights tried for each source in turn. @defaultValue [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.4, 2, 3] */
  weightGrid?: readonly number[];
  /** Most passes of coordinate ascent. @defaultValue 4 */
  rounds?: number;
  /**
   * What is maximised: a weighted sum of per-user ranking metrics at k (Microsoft definitions).
   * @defaultValue { ndcg: 1 }
   */
  objective?: BlendObjective;
}

/** Weights of the ranking metrics the tuner maximises. */
export interface BlendObjective {
  ndcg?: number;
  recall?: number;
  precision?: number;
  map?: number;
}

export interface BlendTuningResult {
  weights: number[];
  /** The objective reached by the tuned blend on the validation users. */
  objective: number;
  /** The objective of each source alone. */
  alone: number[];
  evaluations: number;
}

/** A validation user reduced to a pool of candidates with every source's normalised score. */
export interface PooledUser {
  sources: number;
  items: Int32Array;
  /** pool × sources, normalised scores. */
  scores: Float32Array;
  relevant: Uint8Array;
  idcg: number;
  /** Number of relevant items (for recall and MAP). */
  size: number;
}

/**
 * Chooses non-negative blend weights by coordinate ascent on validation nDCG@k: starting from the
 * best single source, each source's weight in turn takes the grid value that scores best, until a
 * pass changes nothing. Each user's normalised source scores are computed once and kept only for
 * a pool (the union of every source's top candidates), so a pass costs little more than ranking
 * the pools.
 *
 * @example const { weights } = tuneBlendWeights(prepareBlendUsers([ease, ials, pop], validationUsers));
 */
export function tuneBlendWeights(pooled: readonly PooledUser[], options: BlendTuningOptions = {}): BlendTuningResult {
  const k = options.k ?? 10;
  const grid = options.weightGrid ?? [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.4, 2, 3];
  const rounds = options.rounds ?? 4;
  const goal = options.objective ?? { ndcg: 1 };
  const S = pooled[0]?.sources ?? 0;
  let evaluations = 0;
  const objective = (w: readonly number[]): number => {
    evaluations++;
    return meanObjective(pooled, w, S, k, goal);
  };
  const unit = (s: number): number[] => Array.from({ length: S }, (_, t) => (t === s ? 1 : 0));
  const alone = Array.from({ length: S }, (_, s) => objective(unit(s)));
  const first = alone.indexOf(Math.max(...alone));
  const weights = unit(first);
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
  return { weights, objective: best, alone, evaluations };
}

/**
 * Scores validation users with every source once and keeps, per user, the union of each source's
 * top `candidatesPerSource` items with all sources' normalised scores: the input of
 * {@link tuneBlendWeights}. Users of several validation folds can be concatenated.
 */
export function prepareBlendUsers(
  sources: readonly CandidateSource[],
  users: readonly ValidationUser[],
  k = 10,
  candidatesPerSource = 100,
  mode: ScoreNormalisation = 'zscore',
): PooledUser[] {
  const perSource = candidatesPerSource;
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
    out.push({ sources: S, items, scores, relevant, idcg, size: u.relevant.size });
  }
  return out;
}

/** The validation objective (nDCG@k by default) of fixed blend weights over prepared users. */
export function blendObjective(pooled: readonly PooledUser[], weights: readonly number[], options: { k?: number; objective?: BlendObjective } = {}): number {
  return meanObjective(pooled, weights, pooled[0]?.sources ?? 0, options.k ?? 10, options.objective ?? { ndcg: 1 });
}

function meanObjective(users: readonly PooledUser[], w: readonly number[], S: number, k: number, goal: BlendObjective): number {
  let total = 0;
  let blended = new Float32Array(0);
  const gn = goal.ndcg ?? 0;
  const gr = goal.recall ?? 0;
  const gp = goal.precision ?? 0;
  const gm = goal.map ?? 0;
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
    let hits = 0;
    let rr = 0;
    for (let r = 0; r < top.length; r++) {
      if (!u.relevant[top[r]!]) continue;
      hits++;
      rr += hits / (r + 1);
      dcg += 1 / Math.log(r + 2);
    }
    total += gn * (dcg / u.idcg) + gr * (hits / u.size) + gp * (hits / k) + gm * (rr / u.size);
  }
  return users.length ? total / users.length : 0;
}
