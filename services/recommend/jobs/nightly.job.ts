import type { JobContext, JobHandler, JobHandlers, JobOutcome } from '../../../shared/queues/index.ts';

const KIND_OF_STAGE: Record<string, string> = { 'train-recommend': 'recommend', 'train-intents': 'intents', 'train-sentiment': 'sentiment' };

/**
 * The nightly flow: each training job in order (those this worker has), then an index
 * rebuild, as stages of one job, so its progress and per-stage durations are in one place.
 * A stage that fails is recorded and the flow goes on (a broken intent dataset must not stop
 * the recommender's refresh); the result lists the failures and the promoted versions, and its
 * status is `failed` when a stage failed.
 */

export function nightlyJob(handlers: JobHandlers): JobHandler<'nightly'> {
  return async (payload, ctx) => {
    const stages = (['train-recommend', 'train-intents', 'train-sentiment', 'rebuild-index'] as const).filter((s) => handlers[s]);
    const flowStarted = performance.now();
    const results: Record<string, JobOutcome & { seconds: number }> = {};
    for (const [i, stage] of stages.entries()) {
      const started = performance.now();
      const sub: JobContext = {
        ...ctx,
        progress: (what, percent) => ctx.progress(`${stage}: ${what}`, ((i + percent / 100) / stages.length) * 100),
      };
      const handler = handlers[stage] as JobHandler<typeof stage>;
      const stagePayload = stage === 'rebuild-index' ? {} : stage === 'train-recommend' ? payload : { seed: payload.seed };
      let outcome: JobOutcome;
      try {
        outcome = await handler(stagePayload as never, sub);
      } catch (err) {
        ctx.log.error({ err, stage }, 'nightly stage failed; going on with the next');
        outcome = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
      }
      results[stage] = { ...outcome, seconds: Math.round((performance.now() - started) / 100) / 10 };
    }
    await ctx.progress('done', 100);
    const promoted = Object.entries(results)
      .filter(([, r]) => r.status === 'promoted')
      .map(([stage, r]) => ({ kind: KIND_OF_STAGE[stage], version: r.version, metrics: r.metrics }));
    const failed = Object.keys(results).filter((stage) => results[stage]!.status === 'failed');
    // a failed stage fails the flow (counted as a failure, alerted on), though the others ran
    return { status: failed.length > 0 ? 'failed' : 'done', failed, seconds: Math.round((performance.now() - flowStarted) / 100) / 10, stages: results, promoted };
  };
}
