import type { Config } from '../../../shared/config/index.ts';
import type { JobHandler, ModelSignals } from '../../../shared/queues/index.ts';
import { trainInProcess } from '../models/training-process.ts';

/**
 * `train-intents` / `train-sentiment`: trains in a child process on the configured data
 * (intents: plus every corrected intent from `POST /v1/chat/feedback`), promotes unless worse
 * than the model in service, and tells every serving process to load it.
 * @example handlers['train-intents'] = trainChatModelJob(config, signals, 'intents')
 */
export function trainChatModelJob<K extends 'intents' | 'sentiment'>(config: Config, signals: ModelSignals, kind: K): JobHandler<K extends 'intents' ? 'train-intents' : 'train-sentiment'> {
  return async (payload, ctx) => {
    await ctx.progress('training', 5);
    const run = trainInProcess({ config, kind, features: config.CHAT_STARTUP_TRAINING === 'lexical' ? 'lexical' : 'full', seed: payload.seed }, (message) => void ctx.progress(message.slice(0, 120), 50));
    const r = await run.result;
    if (r.promoted) await signals.publish({ kind, version: r.version, action: 'promoted' });
    await ctx.progress(r.promoted ? 'promoted' : 'rejected', 100);
    return { status: r.promoted ? 'promoted' : 'rejected', ...r };
  };
}
