import cluster from 'node:cluster';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../../shared/config/index.ts';
import { isAppError } from '../../shared/errors/index.ts';
import { createLogger, type Logger } from '../../shared/logging/logger.ts';
import { createHttpServer } from '../../shared/http/index.ts';
import { runApiCluster, superviseChild, withMallocDefaults, type SupervisedChild } from '../../shared/process/index.ts';
import { composeApi } from '../compose-api.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'affinity.mjs');

/**
 * The workers in a process of their own: a long training run never slows a request. It gets a
 * process group of its own, so that Ctrl-C in a terminal reaches only this process, which then
 * sends it one SIGTERM (a second signal would make it drop the job in hand). If it dies on its
 * own it is started again (a job it held is handed back by BullMQ's stall check).
 */
function superviseWorkerProcess(log: Logger): SupervisedChild {
  return superviseChild({
    command: process.execPath,
    args: [CLI, 'work'],
    // an IPC channel, so that the worker stops when this process dies without telling it (SIGKILL)
    spawnOptions: { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: withMallocDefaults(process.env), detached: true },
    name: 'worker',
    log,
  });
}

/**
 * Runs the API: listens at once (answering 503 until the models are loaded), loads them in
 * the background, and on SIGTERM/SIGINT stops accepting, drains in-flight requests and exits.
 * With API_PROCESSES > 1 this process is the primary of a cluster of that many API processes
 * on one port (and starts the worker process, if asked); each of them runs `serve`.
 */
async function serve(withWorkers: boolean): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, pii: config.PII_REDACT });
  let stopping = false;
  let workerProcess: SupervisedChild | undefined;
  let inProcessWorkers: { close(): Promise<void> } | undefined;
  const twoProcesses = withWorkers && config.START_MODE === 'two-processes';
  if (config.API_PROCESSES > 1 && cluster.isPrimary) {
    if (twoProcesses) workerProcess = superviseWorkerProcess(log);
    const api = runApiCluster({ processes: config.API_PROCESSES, exec: CLI, args: ['serve'], log });
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      // the worker finishes its job even after this process has exited
      workerProcess?.stop('SIGTERM');
      api.stop(signal);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    return;
  }
  // first, so that what stops it (a database that cannot be opened) stops the whole start
  const api = composeApi(config, log);
  if (twoProcesses) workerProcess = superviseWorkerProcess(log);
  if (withWorkers && config.START_MODE === 'one-process') {
    const { composeWorkers } = await import('../compose-worker.ts');
    // job metrics on the API's /metrics: one process, one scrape target
    inProcessWorkers = await composeWorkers(config, log, { metrics: api.metrics });
  }
  // Resolves with the error that makes serving pointless: an encoder that cannot be loaded
  // (nothing loads it again, so the API would answer 503 for ever), or a database that cannot
  // be reached or migrated at start. Other start-up failures
  // leave the routes that do not need the failed part serving.
  const started = api.start().then(
    () => undefined,
    (err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      if (api.embedding.service.failure) {
        log.fatal({ err }, `the embedding model cannot be loaded (${why}); fix EMBED_MODEL and start again`);
        return err;
      }
      // the database (PostgreSQL) did not answer, or refused the migrations: nothing tries again,
      // so serving would fail every request that needs it; exit and let a supervisor restart it
      if (isAppError(err) && (err.code === 'STORAGE_FAILED' || err.code === 'STORAGE_UNAVAILABLE')) {
        log.fatal({ err }, `the database cannot be used (${why}); fix DATABASE_URL or the server and start again`);
        return err;
      }
      log.error({ err }, 'model loading failed; the API answers 503 on the routes that need it');
      return undefined;
    },
  );
  // in a cluster a process takes connections once its models are loaded, so that one
  // (re)starting never answers 503 while the others can serve
  if (cluster.isWorker && (await started)) process.exit(1);
  // not app.listen: express 5 calls its callback with a listen error too (port in use), which
  // would read as listening
  const server: Server = createHttpServer(api.app, log);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    log.fatal({ err, port: config.PORT, host: config.HOST }, `cannot listen on ${config.HOST}:${config.PORT}`);
    process.exit(1);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  // the address to reach it at: any-interface binds are reachable on localhost
  const shown = ['0.0.0.0', '::', ''].includes(config.HOST) ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  log.info({ port, host: config.HOST }, `Affinity API listening on http://${shown}:${port}`);

  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    workerProcess?.stop('SIGTERM');
    // the worker process finishes the job in hand first (minutes, for a training run): wait for it
    const workerDone = () => {
      if (!workerProcess) return Promise.resolve();
      log.info('waiting for the worker process to finish its current job');
      return workerProcess.exited();
    };
    let drained = false;
    server.close(() => {
      drained = true;
      void Promise.all([api.close(), inProcessWorkers?.close()])
        .then(workerDone)
        .finally(() => {
          log.info('stopped');
          process.exit(exitCode);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      if (drained) return;
      log.warn('drain timed out after 10 s; exiting');
      void workerDone().finally(() => process.exit(1));
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  void started.then((fatal) => fatal && stop('model loading failed', 1));

  api.auth
    .firstStartKey()
    .then((key) => key && printFirstKey(key))
    .catch((err: unknown) => log.error({ err }, 'could not create the first admin key; create one with `affinity keys create --scopes admin`'));
}

/**
 * Shows the admin key made at first start, once, on the terminal: plain lines outside the
 * JSON log, so that no log pipeline is meant to keep it (a terminal log may; set
 * AFFINITY_ADMIN_KEY or create keys with the CLI first where that matters).
 */
function printFirstKey(key: string): void {
  process.stdout.write(
    [
      '',
      'No API key existed, so this admin key was created. It is shown this once: store it now.',
      `  ${key}`,
      'Send it as `Authorization: Bearer <key>`. More keys: `npx affinity keys create --help` (docs/auth.md).',
      '',
    ].join('\n') + '\n',
  );
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API only (port from PORT, default 8080)')
    .action(() => serve(false));
  program
    .command('start')
    .description('run the whole system on embedded defaults (what `npm start` runs): the API and the workers (START_MODE)')
    .action(() => serve(true));
}
