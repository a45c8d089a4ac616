import { Worker } from 'node:worker_threads';
import { appError, ERROR_CODES, type ErrorCode } from '../errors/index.ts';

/**
 * Runs `exportName(args, progress)` from the module at `moduleUrl` in a worker thread and
 * resolves with its result. Long, synchronous training would otherwise block the event loop,
 * and with it BullMQ's lock renewals (a blocked worker looks dead and its job runs twice).
 * Errors keep their code.
 * @example await runInThread(new URL('./train.ts', import.meta.url), 'train', { seed: 42 }, (m) => log.info(m))
 */
export function runInThread<R>(
  moduleUrl: URL,
  exportName: string,
  args: unknown,
  onProgress: (message: string) => void = () => undefined,
  opts: { nice?: number } = {},
): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), {
      // `nice`: the thread lowers its own CPU priority, so serving threads win the cores
      workerData: { moduleUrl: moduleUrl.href, exportName, args, nice: opts.nice ?? 0 },
      name: `job:${exportName}`,
    });
    let settled = false;
    worker.on('message', (m: { type: string; message?: string; result?: R; code?: string }) => {
      if (m.type === 'progress') onProgress(m.message ?? '');
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result as R);
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
      if (!settled) reject(appError('INTERNAL', `job thread ${exportName} exited with code ${code} before finishing`));
    });
  });
}
