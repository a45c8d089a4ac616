import { appError } from '../../../shared/errors/index.ts';
import { Mt19937 } from './mt19937.ts';

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /**
   * Share of each user's rows that goes to the training part.
   * @defaultValue 0.75
   */
  ratio?: number;
  /**
   * Seed of NumPy's legacy Mersenne Twister, as `python_stratified_split(seed=…)`.
   * @defaultValue 42
   */
  seed?: number;
}

export interface Split<T> {
  train: T[];
  test: T[];
}

/**
 * The Microsoft Recommenders `python_stratified_split` with `filter_by="user"`, `min_rating=1`:
 * every row gets a random key from NumPy's seeded generator (in row order, as
 * `np.random.rand(len(data))`); within each user, rows are ordered by key and ranked 1..n, and a
 * row is training when `rank / n <= ratio`. A user with n rows therefore keeps floor(ratio·n) of
 * them for training (at least one row always lands in the test part when ratio·n < n). With the
 * same rows in the same order and the same seed, the parts are theirs exactly. Each part keeps the
 * input's row order.
 *
 * @example const { train, test } = stratifiedSplit(ratings, (r) => r.userId, { seed: 42 });
 */
export function stratifiedSplit<T>(rows: readonly T[], userOf: (row: T) => string | number, options: StratifiedSplitOptions = {}): Split<T> {
  const ratio = options.ratio ?? 0.75;
  const seed = options.seed ?? 42;
  if (!(ratio > 0 && ratio < 1)) throw appError('VALIDATION_FAILED', `split ratio must be strictly between 0 and 1, got ${ratio}`, { ratio });
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw appError('VALIDATION_FAILED', `split seed must be an integer in [0, 2^32), got ${seed}`, { seed });
  }
  const rng = new Mt19937(seed);
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = rng.nextDouble();

  const byUser = new Map<string | number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const u = userOf(rows[i]!);
    let list = byUser.get(u);
    if (!list) byUser.set(u, (list = []));
    list.push(i);
  }
  const isTrain = new Uint8Array(rows.length);
  for (const list of byUser.values()) {
    list.sort((a, b) => keys[a]! - keys[b]!);
    const n = list.length;
    for (let r = 0; r < n; r++) if ((r + 1) / n <= ratio) isTrain[list[r]!] = 1;
  }
  const train: T[] = [];
  const test: T[] = [];
  for (let i = 0; i < rows.length; i++) (isTrain[i] ? train : test).push(rows[i]!);
  return { train, test };
}
