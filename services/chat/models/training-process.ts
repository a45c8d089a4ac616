import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { appError, ERROR_CODES, type ErrorCode } from '../../../shared/errors/index.ts';
import type { TrainChatModelArgs } from './train-chat-model.task.ts';
import type { TrainChatModelResult } from './train-chat-model.ts';

/** A training run in a child process, which `cancel()` kills at once (say, when the server shuts down). */
export interface TrainingRun {
  result: Promise<TrainChatModelResult>;
  cancel(): Promise<void>;
}

/**
 * Runs `trainChatModelTask` in a child process. Training is seconds of synchronous number
 * crunching that would stall the serving process's requests, and a process (unlike a worker
 * thread) can be stopped at any point: terminating a thread inside a native call (the HNSW
 * index of the kNN vote) aborts the whole server. Errors keep their code; a cancelled run
 * rejects with `NOT_READY`.
 * @example const run = trainInProcess({ config, kind: 'intents', features: 'full' }); const r = await run.result
 */
export function trainInProcess(args: TrainChatModelArgs, onProgress: (message: string) => void = () => undefined): TrainingRun {
  // no inherited execArgv: a test runner's loader flags are not what training runs with
  const child = fork(fileURLToPath(new URL('./training-process.mjs', import.meta.url)), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let settled = false;
  let cancelled = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const result = new Promise<TrainChatModelResult>((resolve, reject) => {
    child.on('message', (m: { type: string; message?: string; result?: TrainChatModelResult; code?: string }) => {
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
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(appError('INTERNAL', `could not start the ${args.kind} training process: ${err.message}`, undefined, err));
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      reject(cancelled ? appError('NOT_READY', `training ${args.kind} was cancelled`) : appError('INTERNAL', `the ${args.kind} training process exited (${signal ?? code}) before finishing`));
    });
  });
  child.send({ type: 'train', args });
  return {
    result,
    async cancel() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
