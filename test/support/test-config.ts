import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../shared/config/index.ts';
import { sharedDir } from './paths.ts';

/**
 * A configuration for one test: its own fresh data folder (database, registry, models) under
 * the system temp dir, quiet logs, one small inference worker, no API keys; overrides on top.
 * @example const config = testConfig({ EMBED_MODEL: testModelDir('tiny') })
 */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig(
    {},
    {
      AFFINITY_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'affinity-test-')),
      AFFINITY_SHARED_DIR: sharedDir(),
      LOG_LEVEL: 'silent',
      EMBED_WORKERS: '1',
      EMBED_INTRA_OP_THREADS: '1',
      DB_SYNCHRONOUS: 'normal',
      // queues and signals of one test never meet another's
      REDIS_PREFIX: `test-${randomUUID()}`,
      // chat models train in the background at start when none is in service: tests that
      // need that say so; the others save the CPU
      CHAT_STARTUP_TRAINING: 'off',
      // no test schedules the nightly flow (or the retention purge) unless it says so
      NIGHTLY_CRON: 'off',
      RETENTION_CRON: 'off',
      // in-process workers of parallel tests would all want the default metrics port
      WORKER_METRICS_PORT: '0',
      // routes are called without keys; the auth tests (test/integration/auth) turn it on
      AUTH_ENABLED: 'false',
      // training at full priority: the other test files running beside it are not requests to yield to
      WORKER_NICE: '0',
      ...overrides,
    },
  );
}
