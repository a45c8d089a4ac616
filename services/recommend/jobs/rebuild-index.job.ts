import { appError } from '../../../shared/errors/index.ts';
import type { JobHandler, ModelSignals } from '../../../shared/queues/index.ts';

/** How long the job waits for the API processes by default: HNSW over 100,000 × 384 vectors takes about a minute on one core. */
export const REBUILD_INDEX_WAIT_MS = 10 * 60_000;

/**
 * `rebuild-index`: every serving process rebuilds its catalog index from the database (fresh
 * HNSW graph, no tombstones) in the background and swaps it in atomically. The job announces
 * it, then waits until every API process that heard it has reported back, so that `done` means
 * rebuilt everywhere. A process that reports a failure, or none within `waitMs`, fails the job
 * with CATALOG_INDEX_REBUILD_FAILED (that process keeps serving its previous index).
 */
export function rebuildIndexJob(signals: ModelSignals, opts: { waitMs?: number } = {}): JobHandler<'rebuild-index'> {
  const waitMs = opts.waitMs ?? REBUILD_INDEX_WAIT_MS;
  return async (_payload, ctx) => {
    const started = performance.now();
    const version = new Date().toISOString();
    const ackId = `${ctx.jobId}:${version}`;
    const processes = await signals.publish({ kind: 'catalog-index', version, action: 'promoted', ackId });
    if (processes === 0) {
      await ctx.progress('no API process is running: each builds its index when it starts', 100);
      return { status: 'done', version, processes: 0 };
    }
    await ctx.progress(`announced to ${processes} API process(es); waiting for their rebuilds`, 0);
    const acks = await signals.acknowledgements(ackId, processes, {
      timeoutMs: waitMs,
      onAck: (_ack, received) => ctx.progress(`rebuilt in ${received} of ${processes} API process(es)`, Math.round((100 * received) / processes)),
    });
    const failed = acks.filter((a) => !a.ok);
    const silent = processes - acks.length;
    if (failed.length > 0 || silent > 0) {
      const why = [...failed.map((a) => `process ${a.pid}: ${a.error ?? 'failed'}`), ...(silent > 0 ? [`${silent} did not answer within ${Math.round(waitMs / 1000)} s`] : [])];
      throw appError('CATALOG_INDEX_REBUILD_FAILED', `rebuilt in ${acks.length - failed.length} of ${processes} API processes; ${why.join('; ')}`, {
        processes,
        failed: failed.map((a) => ({ pid: a.pid, error: a.error })),
        silent,
      });
    }
    return { status: 'done', version, processes, seconds: Math.round((performance.now() - started) / 100) / 10 };
  };
}
