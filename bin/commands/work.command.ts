import type { Command } from 'commander';
import { loadConfig } from '../../shared/config/index.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { composeWorkers } from '../compose-worker.ts';

/**
 * Runs the queued workers until SIGTERM/SIGINT; then they stop taking jobs and finish (or
 * hand back) the current one before the process exits.
 */
export async function work(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'affinity-worker' });
  const workers = await composeWorkers(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping workers: finishing the current job');
    void workers.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function registerWorkCommand(program: Command): void {
  program
    .command('work')
    .description('run the queued workers (retraining, index refresh, the nightly flow) until stopped')
    .action(work);
}
