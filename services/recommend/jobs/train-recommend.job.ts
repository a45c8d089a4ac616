import type { Config } from '../../../shared/config/index.ts';
import type { JobHandler, ModelSignals } from '../../../shared/queues/index.ts';
import { runInThread } from '../../../shared/queues/index.ts';
import type { TrainRecommendResult } from './train-recommend.task.ts';

/**
 * `train-recommend`: trains in a thread, stores the candidate in the registry, promotes it
 * unless it validates worse than the model in service, and tells every serving process.
 */
export function trainRecommendJob(config: Config, signals: ModelSignals): JobHandler<'train-recommend'> {
  return async (payload, ctx) => {
    await ctx.progress('training', 5);
    let step = 5;
    const r = await runInThread<TrainRecommendResult>(
      new URL('./train-recommend.task.ts', import.meta.url),
      'trainRecommendTask',
      { config, seed: payload.seed, tune: payload.tune },
      (message) => {
        step = Math.min(90, step + 3);
        void ctx.progress(message.slice(0, 120), step);
      },
      { nice: config.WORKER_NICE },
    );
    await ctx.progress(r.promoted ? 'publishing' : 'rejected', 95);
    if (r.promoted) await signals.publish({ kind: 'recommend', version: r.version, action: 'promoted' });
    await ctx.progress('done', 100);
    return { status: r.promoted ? 'promoted' : 'rejected', ...r };
  };
}
