import type { JobHandler } from '../../shared/queues/index.ts';
import { purgeRetention, type RetentionRule } from './retention.ts';

/**
 * `purge-retention`: deletes the events and stored chat texts older than their configured
 * limits (RETENTION_EVENTS_DAYS, RETENTION_TRANSCRIPTS_DAYS). Skipped when every limit is 0.
 * Redis transcripts need no purge: they expire with their session (CHAT_SESSION_TTL_SECONDS).
 * @example handlers['purge-retention'] = purgeRetentionJob(retentionRules(config, repository, feedback))
 */
export function purgeRetentionJob(rules: readonly RetentionRule[]): JobHandler<'purge-retention'> {
  return async (_payload, ctx) => {
    if (!rules.some((r) => r.days > 0)) return { status: 'skipped', reason: 'every retention limit is 0 (keep forever)' };
    await ctx.progress('purging', 10);
    const outcome = await purgeRetention(rules);
    await ctx.progress('purged', 100);
    return { status: 'done', ...outcome };
  };
}
