import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Logger } from '../logging/logger.ts';

export interface SupervisedChildOptions {
  /** What runs, e.g. `process.execPath` and `['bin/affinity.mjs', 'work']`. */
  command: string;
  args: string[];
  spawnOptions: SpawnOptions;
  /** Named in the log lines. */
  name: string;
  log: Logger;
  /** First wait before a restart; doubled after each quick death. @defaultValue 1000 */
  initialDelayMs?: number;
  /** Longest wait before a restart. @defaultValue 60000 */
  maxDelayMs?: number;
  /** A child that lived this long is healthy: the next restart waits `initialDelayMs` again. @defaultValue 60000 */
  healthyAfterMs?: number;
}

export interface SupervisedChild {
  /** The child running now, if any (none while a restart waits). */
  current(): ChildProcess | undefined;
  /** Ends supervision: sends `signal` to the child running, if any, and cancels a pending restart. */
  stop(signal?: NodeJS.Signals): void;
  /** Resolves once no child runs (at once if none does). */
  exited(): Promise<void>;
}

/**
 * Runs a child process and starts it again when it dies on its own, after a wait that doubles
 * while it keeps dying quickly (1 s, 2 s, 4 s… up to a minute), so that a crash loop neither
 * spins nor stops the work for good. `stop` ends it.
 *
 * @example const worker = superviseChild({ command: process.execPath, args: [cli, 'work'], spawnOptions: {}, name: 'worker', log })
 */
export function superviseChild(opts: SupervisedChildOptions): SupervisedChild {
  const initial = opts.initialDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 60_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  let delay = initial;
  let stopped = false;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    timer = undefined;
    const startedAt = Date.now();
    const running = spawn(opts.command, opts.args, opts.spawnOptions);
    child = running;
    exited = new Promise<void>((resolve) => {
      // 'error' without 'exit': the spawn itself failed (no such executable)
      running.once('error', (err) => {
        if (running.pid === undefined) onEnd(null, null, err);
      });
      running.once('exit', (code, signal) => onEnd(code, signal));
      function onEnd(code: number | null, signal: NodeJS.Signals | null, err?: Error) {
        child = undefined;
        resolve();
        if (stopped) return;
        if (Date.now() - startedAt >= healthyAfter) delay = initial;
        opts.log.error({ code, signal, ...(err ? { err } : {}), restart_in_ms: delay }, `the ${opts.name} process exited; starting another in ${Math.round(delay / 1000)} s`);
        timer = setTimeout(start, delay);
        delay = Math.min(delay * 2, max);
      }
    });
  };
  start();

  return {
    current: () => child,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      child?.kill(signal);
    },
    exited: () => exited,
  };
}
