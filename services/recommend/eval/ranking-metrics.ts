/**
 * Top-k ranking metrics exactly as Microsoft Recommenders' `recommenders/evaluation/python_evaluation.py`
 * computes them with binary relevance (every held-out item of a user is relevant):
 *
 * - precision@k = hits in the top k / k (k, not the list's length);
 * - recall@k = hits in the top k / number of relevant items;
 * - nDCG@k = Σ_hits 1/ln(1+rank) / Σ_{i=1..min(k, relevant)} 1/ln(1+i);
 * - MAP (their `map`, the figure their benchmark table reports as MAP) = Σ_hits (hit ordinal / rank)
 *   / number of relevant items — normalised by all relevant items, not by min(k, relevant) as
 *   their later `map_at_k` is, so it is lower than `map_at_k`.
 *
 * Averages: precision, recall and MAP over the users that have both relevant items and a
 * recommendation list; nDCG over every user with relevant items (a user with no list scores 0),
 * as their pandas merges do.
 */
export interface RankingMetrics {
  map: number;
  ndcgAtK: number;
  precisionAtK: number;
  recallAtK: number;
  /** Users with relevant items. */
  users: number;
  k: number;
}

export interface UserMetrics {
  averagePrecision: number;
  ndcg: number;
  precision: number;
  recall: number;
  hits: number;
}

/**
 * One user's figures. Only the first k entries of `recommended` count.
 * @example userRankingMetrics([3, 7, 1], new Set([7, 9]), 10) // hit at rank 2: AP = (1/2)/2
 */
export function userRankingMetrics(recommended: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): UserMetrics {
  const n = Math.min(k, recommended.length);
  let hits = 0;
  let rr = 0;
  let dcg = 0;
  for (let r = 0; r < n; r++) {
    if (!relevant.has(recommended[r]!)) continue;
    hits++;
    rr += hits / (r + 1);
    dcg += 1 / Math.log(r + 2);
  }
  let idcg = 0;
  const ideal = Math.min(k, relevant.size);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log(r + 2);
  const size = relevant.size;
  return {
    averagePrecision: size === 0 ? 0 : rr / size,
    ndcg: idcg === 0 ? 0 : dcg / idcg,
    precision: hits / k,
    recall: size === 0 ? 0 : hits / size,
    hits,
  };
}

export interface RankedUser {
  /** Recommended item indices, best first (null or empty: the model produced no list). */
  recommended: ArrayLike<number> | null;
  relevant: ReadonlySet<number>;
}

/**
 * Averages over users, with Microsoft's denominators (see the file comment).
 * @example rankingMetrics([{ recommended: [1, 2], relevant: new Set([2]) }], 10)
 */
export function rankingMetrics(users: Iterable<RankedUser>, k: number): RankingMetrics {
  let withTruth = 0;
  let common = 0;
  let ap = 0;
  let ndcg = 0;
  let precision = 0;
  let recall = 0;
  for (const u of users) {
    if (u.relevant.size === 0) continue;
    withTruth++;
    if (!u.recommended || u.recommended.length === 0) continue;
    common++;
    const m = userRankingMetrics(u.recommended, u.relevant, k);
    ap += m.averagePrecision;
    ndcg += m.ndcg;
    precision += m.precision;
    recall += m.recall;
  }
  return {
    map: common ? ap / common : 0,
    ndcgAtK: withTruth ? ndcg / withTruth : 0,
    precisionAtK: common ? precision / common : 0,
    recallAtK: common ? recall / common : 0,
    users: withTruth,
    k,
  };
}
