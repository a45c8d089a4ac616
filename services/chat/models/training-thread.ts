import { Worker } from 'node:worker_threads';
import { appError, ERROR_CODES, type ErrorCode } from '../../../shared/errors/index.ts';
import type { TrainChatModelArgs } from './train-chat-model.task.ts';
import type { TrainChatModelResult } from './train-chat-model.ts';

/** A training run in a worker thread, which `cancel()` stops at once (say, when the server shuts down). */
export interface TrainingRun {
  result: Promise<TrainChatModelResult>;
  cancel(): Promise<void>;
}

/**
 * Runs `trainChatModelTask` in a worker thread: training is seconds of synchronous number
 * crunching that would otherwise stall every request of the serving process. Errors keep
 * their code; a cancelled run rejects with `NOT_READY`.
 * @example const run = trainInThread({ config, kind: 'intents', features: 'full' }); const r = await run.result
 */
export function trainInThread(args: TrainChatModelArgs, onProgress: (message: string) => void = () => undefined): TrainingRun {
  const worker = new Worker(new URL('./training-thread.mjs', import.meta.url), { workerData: args, name: `train:${args.kind}` });
  let settled = false;
  let cancelled = false;
  const result = new Promise<TrainChatModelResult>((resolve, reject) => {
    worker.on('message', (m: { type: string; message?: string; result?: TrainChatModelResult; code?: string }) => {
      if (m.type === 'progress') onProgress(m.message ?? '');
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result!);
      } else if (m.type === 'error') {
        settled = true;
        const code = (m.code && m.code in ERROR_CODES ? m.code : 'INTERNAL') as ErrorCode;
        reject(appError(code, m.message));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(cancelled ? appError('NOT_READY', `training ${args.kind} was cancelled`) : appError('INTERNAL', `the ${args.kind} training thread exited with code ${code}`));
    });
  });
  return {
    result,
    async cancel() {
      cancelled = true;
      await worker.terminate();
    },
  };
}
