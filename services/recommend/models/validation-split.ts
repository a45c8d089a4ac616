import { stratifiedSplit } from '../eval/stratified-split.ts';
import type { CandidateSource } from './candidate-source.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import { seededRandom } from './seeded-random.ts';
import { topK } from './top-k.ts';
import type { ValidationUser } from './tune-blend.ts';

export interface ValidationSplit {
  /** The training part (same users and item indices as the full matrix). */
  train: InteractionMatrix;
  /** Users with held-out items: their training history, what to skip, what is relevant. */
  users: ValidationUser[];
}

/** Options of {@link carveValidation}. */
export interface ValidationOptions {
  /** Share of each user's entries kept for training. @defaultValue 0.8 */
  ratio?: number;
  /** @defaultValue 42 */
  seed?: number;
  /** Validation users kept at most (a seeded sample), bounding tuning time on large data. @defaultValue 3000 */
  maxUsers?: number;
}

/**
 * Holds out part of every user's training entries, per user and seeded (the same stratified
 * protocol as the evaluation's test split), so that hyper-parameters and blend weights are chosen
 * without ever looking at the test split.
 *
 * @example const { train, users } = carveValidation(matrix, { ratio: 0.8, seed: 42 });
 */
export function carveValidation(matrix: InteractionMatrix, options: ValidationOptions = {}): ValidationSplit {
  const entries = Int32Array.from({ length: matrix.nnz }, (_, k) => k);
  const rowOf = new Int32Array(matrix.nnz);
  for (let u = 0; u < matrix.numUsers; u++) rowOf.fill(u, matrix.indptr[u]!, matrix.indptr[u + 1]!);
  const { test } = stratifiedSplit(Array.from(entries), (k) => rowOf[k]!, { ratio: options.ratio ?? 0.8, seed: options.seed ?? 42 });
  const held = new Uint8Array(matrix.nnz);
  for (const k of test) held[k] = 1;
  const train = matrix.filterEntries((k) => !held[k]);

  const relevant = new Map<number, Set<number>>();
  for (const k of test) {
    const u = rowOf[k]!;
    let set = relevant.get(u);
    if (!set) relevant.set(u, (set = new Set()));
    set.add(matrix.indices[k]!);
  }
  let userList = [...relevant.keys()].sort((a, b) => a - b);
  const maxUsers = options.maxUsers ?? 3000;
  if (userList.length > maxUsers) {
    const rng = seededRandom((options.seed ?? 42) + 1);
    for (let i = userList.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [userList[i], userList[j]] = [userList[j]!, userList[i]!];
    }
    userList = userList.slice(0, maxUsers).sort((a, b) => a - b);
  }
  const users = userList.map((u) => {
    const history = train.history(u);
    const skip = new Uint8Array(matrix.numItems);
    for (let h = 0; h < history.items.length; h++) skip[history.items[h]!] = 1;
    return { history, skip, relevant: relevant.get(u)! };
  });
  return { train, users };
}

/**
 * Mean nDCG@k (Microsoft's definition, binary relevance) of one source alone over validation users.
 */
export function validationNdcg(source: CandidateSource, users: readonly ValidationUser[], k = 10): number {
  const out = new Float32Array(source.numItems);
  let total = 0;
  for (const u of users) {
    source.score(u.history, out);
    const top = topK(out, k, (i) => u.skip[i] === 1);
    let dcg = 0;
    for (let r = 0; r < top.length; r++) if (u.relevant.has(top[r]!)) dcg += 1 / Math.log(r + 2);
    let idcg = 0;
    for (let r = 0; r < Math.min(k, u.relevant.size); r++) idcg += 1 / Math.log(r + 2);
    total += idcg > 0 ? dcg / idcg : 0;
  }
  return users.length ? total / users.length : 0;
}
