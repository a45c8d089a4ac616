import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logging/logger.ts';
import { answerMetricsRequests } from './cluster-metrics.ts';
import { API_PROCESS_ENV } from './cluster-metrics.ts';
import { withMallocDefaults } from './malloc-env.ts';

export interface ApiClusterOptions {
  /** Serving processes to run (each a full API on the shared port). */
  processes: number;
  /** The script each serving process runs, and its arguments (`bin/affinity.mjs serve`). */
  exec: string;
  args: string[];
  log: Logger;
  /** Processes in a row that die before they listen, after which the cluster gives up (exit 1). */
  maxFailedStarts?: number;
  /** Called once every serving process has exited after a stop; default: process.exit. */
  onExit?: (code: number) => void;
}

/**
 * The primary of a cluster of API processes on one port (node:cluster; the primary hands each
 * new connection to the next process in turn). It restarts a process that dies, gives up when
 * processes keep dying before they listen (a crash loop: port in use, unreadable data), passes
 * SIGTERM/SIGINT on so that each drains its requests, exits once they have, and answers the
 * processes' requests for metrics summed over all of them (so a scrape of any one is whole).
 *
 * @example runApiCluster({ processes: 2, exec: 'bin/affinity.mjs', args: ['serve'], log })
 */
export function runApiCluster(opts: ApiClusterOptions): { stop(signal: string): void } {
  const maxFailedStarts = opts.maxFailedStarts ?? 5;
  const exit = opts.onExit ?? ((code: number) => process.exit(code));
  cluster.setupPrimary({ exec: opts.exec, args: opts.args });
  answerMetricsRequests();
  let stopping = false;
  let exitCode = 0;
  let failedStarts = 0;
  const listening = new Set<number>();

  /** Each process's slot (0 … processes-1): a replacement takes the slot of the one it replaces. */
  const slots = new Map<number, number>();
  const fork = (slot: number): Worker => {
    // the primary's environment, plus a fixed malloc mmap threshold (see malloc-env.ts), plus the
    // slot, which labels the process's metrics (a replacement's counters then restart from zero
    // in the series of the one it replaced, which Prometheus reads as the reset it is)
    const worker = cluster.fork({ ...withMallocDefaults(process.env), [API_PROCESS_ENV]: String(slot) });
    slots.set(worker.id, slot);
    worker.once('online', () => opts.log.info({ pid: worker.process.pid, worker: worker.id, api_process: slot }, 'API process started'));
    worker.once('listening', () => {
      listening.add(worker.id);
      failedStarts = 0;
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const listened = listening.delete(worker.id);
    const slot = slots.get(worker.id) ?? 0;
    slots.delete(worker.id);
    if (stopping) {
      if (code !== 0 && code !== null) exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        opts.log.info('every API process stopped');
        exit(exitCode);
      }
      return;
    }
    if (!listened && ++failedStarts >= maxFailedStarts) {
      opts.log.error({ pid: worker.process.pid, code, signal, failed_starts: failedStarts }, `${failedStarts} API processes in a row exited before they could listen (see their errors above); giving up`);
      stop('failed starts', 1);
      return;
    }
    opts.log.error({ pid: worker.process.pid, code, signal, api_process: slot }, 'an API process exited; starting another');
    fork(slot);
  });

  const stop = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    opts.log.info({ reason }, 'stopping the API processes: each drains its in-flight requests');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) exit(exitCode);
    for (const w of workers) w.process.kill('SIGTERM');
  };

  for (let i = 0; i < opts.processes; i++) fork(i);
  opts.log.info({ processes: opts.processes }, `API: ${opts.processes} serving processes on one port`);
  return { stop: (signal) => stop(signal) };
}
