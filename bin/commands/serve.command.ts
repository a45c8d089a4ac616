import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../../shared/config/index.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { composeApi } from '../compose-api.ts';

/**
 * Runs the API: listens at once (answering 503 until the models are loaded), loads them in
 * the background, and on SIGTERM/SIGINT stops accepting, drains in-flight requests and exits.
 */
async function serve(withWorkers: boolean): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, pii: config.PII_REDACT });
  let stopping = false;
  let workerProcess: ChildProcess | undefined;
  let inProcessWorkers: { close(): Promise<void> } | undefined;
  if (withWorkers && config.START_MODE === 'two-processes') {
    // the workers in a process of their own: a long training run never slows a request
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'affinity.mjs');
    // an IPC channel, so that the worker stops when this process dies without telling it (SIGKILL)
    workerProcess = spawn(process.execPath, [cli, 'work'], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: process.env });
    workerProcess.on('exit', (code, signal) => {
      if (!stopping) log.error({ code, signal }, 'the worker process exited; jobs wait until a worker runs');
    });
  }
  const api = composeApi(config, log);
  if (withWorkers && config.START_MODE === 'one-process') {
    const { composeWorkers } = await import('../compose-worker.ts');
    // job metrics on the API's /metrics: one process, one scrape target
    inProcessWorkers = await composeWorkers(config, log, { metrics: api.metrics });
  }
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, host: config.HOST }, `Affinity API listening on http://localhost:${port}`);

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    workerProcess?.kill('SIGTERM');
    server.close(() => {
      void Promise.all([api.close(), inProcessWorkers?.close()]).finally(() => {
        log.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      log.warn('drain timed out after 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  api.start().catch((err: unknown) => {
    log.error({ err }, 'model loading failed; the API answers 503 on the routes that need it');
  });
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
