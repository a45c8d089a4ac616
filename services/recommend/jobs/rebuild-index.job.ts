import type { JobHandler, ModelSignals } from '../../../shared/queues/index.ts';

/**
 * `rebuild-index`: every serving process rebuilds its catalog index from the database (fresh
 * HNSW graph, no tombstones) in the background and swaps it in atomically.
 */
export function rebuildIndexJob(signals: ModelSignals): JobHandler<'rebuild-index'> {
  return async (_payload, ctx) => {
    const version = new Date().toISOString();
    await signals.publish({ kind: 'catalog-index', version, action: 'promoted' });
    await ctx.progress('announced', 100);
    return { status: 'done', version };
  };
}
