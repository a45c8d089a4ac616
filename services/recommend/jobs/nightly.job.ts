import type { JobContext, JobHandler, JobHandlers, JobOutcome } from '../../../shared/queues/index.ts';

/**
 * The nightly flow: each training job in order (those this worker has), then an index
 * rebuild, as stages of one job, so its progress and per-stage durations are in one place.
 */
export function nightlyJob(handlers: JobHandlers): JobHandler<'nightly'> {
  return async (_payload, ctx) => {
    const stages = (['train-recommend', 'train-intents', 'train-sentiment', 'rebuild-index'] as const).filter((s) => handlers[s]);
    const results: Record<string, JobOutcome & { seconds: number }> = {};
    for (const [i, stage] of stages.entries()) {
      const started = performance.now();
      const sub: JobContext = {
        ...ctx,
        progress: (what, percent) => ctx.progress(`${stage}: ${what}`, ((i + percent / 100) / stages.length) * 100),
      };
      const handler = handlers[stage] as JobHandler<typeof stage>;
      const outcome = await handler({} as never, sub);
      results[stage] = { ...outcome, seconds: Math.round((performance.now() - started) / 100) / 10 };
    }
    await ctx.progress('done', 100);
    return { status: 'done', stages: results };
  };
}
