/**
 * What a candidate source scores from: the item indices a user interacted with, with weights and
 * timestamps (Unix seconds), in any order. Scoring from a history, not from a trained user index,
 * lets a brand-new user or a session's context items be scored without retraining.
 */
export interface UserHistory {
  readonly items: Int32Array;
  readonly weights: Float32Array;
  readonly timestamps: Float64Array;
}

/**
 * A history from item indices; weights default to 1 and timestamps to 0 (unknown).
 * @example historyOf([12, 40]) // two context items, equal weight
 */
export function historyOf(items: ArrayLike<number>, weights?: ArrayLike<number>, timestamps?: ArrayLike<number>): UserHistory {
  const n = items.length;
  const w = new Float32Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = weights ? weights[i]! : 1;
    t[i] = timestamps ? timestamps[i]! : 0;
  }
  return { items: Int32Array.from(items), weights: w, timestamps: t };
}

export const EMPTY_HISTORY: UserHistory = historyOf([]);

/**
 * The latest timestamp of a history, or undefined when it has none (all zero or empty); never
 * later than the clock, so one interaction dated in the future does not age the others away.
 */
export function lastTimestamp(history: UserHistory): number | undefined {
  let t = 0;
  for (let i = 0; i < history.timestamps.length; i++) if (history.timestamps[i]! > t) t = history.timestamps[i]!;
  return t > 0 ? Math.min(t, Date.now() / 1000) : undefined;
}
