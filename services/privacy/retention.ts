import type { RetentionTarget } from '../../shared/privacy/index.ts';

const DAY_MS = 86_400_000;

/** A store that ages out and its limit in days (0: kept forever). */
export interface RetentionRule {
  target: RetentionTarget;
  days: number;
}

export interface RetentionOutcome {
  /** Rows deleted per target (targets kept forever are not listed). */
  purged: Record<string, number>;
  /** The cutoff per target (ISO 8601): rows stamped strictly before it were deleted. */
  cutoffs: Record<string, string>;
}

/**
 * Deletes, for each rule with a limit, the rows stamped strictly before `now − days`: a row
 * exactly `days` old is kept, one a millisecond older goes.
 * @example await purgeRetention([{ target: eventsTarget, days: 365 }]) // { purged: { events: 1200 }, cutoffs: { events: '…' } }
 */
export async function purgeRetention(rules: readonly RetentionRule[], now = Date.now()): Promise<RetentionOutcome> {
  const out: RetentionOutcome = { purged: {}, cutoffs: {} };
  for (const { target, days } of rules) {
    if (!(days > 0)) continue;
    const cutoff = now - Math.round(days * DAY_MS);
    out.purged[target.name] = await target.purgeBefore(cutoff);
    out.cutoffs[target.name] = new Date(cutoff).toISOString();
  }
  return out;
}
