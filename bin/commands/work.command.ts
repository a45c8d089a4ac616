import type { Command } from 'commander';
import { loadConfig } from '../../shared/config/index.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { lowerProcessPriority } from '../../shared/process/lower-priority.ts';
import { composeWorkers } from '../compose-worker.ts';

/**
 * Runs the queued workers until SIGTERM/SIGINT; then they stop taking jobs and finish the
 * current one before the process exits. A second signal ends the process at once (SIGKILL to
 * itself, so exit status 137): the job in hand is then handed to another worker by the
 * stalled-job check (WORKER_LOCK_MS), never lost.
 */
export async function work(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'affinity-worker', pii: config.PII_REDACT });
  // every thread it has, and (inherited) those it starts and its child processes
  try {
    lowerProcessPriority(config.WORKER_NICE);
  } catch (err) {
    log.warn({ err }, 'could not lower the worker priority');
  }
  let workers: Awaited<ReturnType<typeof composeWorkers>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now; the current job goes back to the queue');
      log.flush();
      // not process.exit: tearing the runtime down while a training thread has an onnxruntime
      // run in flight aborts the process ("terminate called after throwing … Napi::Error");
      // nothing is left to clean up that a kill would skip (the job's lock lapses either way)
      process.kill(process.pid, 'SIGKILL');
    }
    stopping = true;
    log.info({ signal }, 'stopping workers: finishing the current job');
    // a signal while starting: stop once started (no job is in hand yet)
    if (workers) void workers.close().finally(() => process.exit(0));
  };
  // before the workers start: a signal during start-up must not kill the process by default
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // started by `affinity start`: a parent that dies (even by SIGKILL) closes the channel. A
  // parent that exits after asking us to stop closes it too: that is no second signal.
  if (process.send) {
    process.once('disconnect', () => {
      if (!stopping) stop('parent exited');
    });
    // a parent that died while this process was still loading: the event came before the listener
    if (!process.connected) stop('parent exited');
  }
  try {
    workers = await composeWorkers(config, log);
  } catch (err) {
    // exit, not just an exit code: started by `affinity start`, the channel to the parent would
    // keep this process alive, doing nothing, and the parent would never start another
    log.fatal({ err }, 'the workers cannot start');
    log.flush();
    process.exit(1);
  }
  if (stopping) await workers.close().finally(() => process.exit(0));
}

export function registerWorkCommand(program: Command): void {
  program
    .command('work')
    .description('run the queued workers (retraining, index refresh, the nightly flow) until stopped')
    .action(work);
}
