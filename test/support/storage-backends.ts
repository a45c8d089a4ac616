// What the storage contract runs against: a backend names a new, empty database per test by
// the settings (environment variables) that select it, and every handle is opened the way
// Affinity opens its own, through openDatabase(config).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { loadConfig, type Config } from '../../shared/config/index.ts';
import { openDatabase, type SqlDatabase } from '../../shared/storage/index.ts';
import { repoRoot } from './paths.ts';

export { appMigrations, probeMigrations } from './storage-migrations.ts';

export type StorageSettings = Partial<Record<keyof Config, string>>;

export interface StorageBackend {
  dialect: SqlDatabase['dialect'];
  /** Settings naming a new, empty database for one test. */
  fresh(): Promise<StorageSettings>;
}

export interface Databases {
  /** Settings of this test's database. */
  settings(): StorageSettings;
  /** A new handle on this test's database, closed after the test. */
  open(): SqlDatabase;
  /** Closes `db` (as a process would on exit) and opens a new handle. */
  reopen(db: SqlDatabase): Promise<SqlDatabase>;
}

/** Gives each test of the calling suite its own database on `backend`. */
export function useDatabases(backend: StorageBackend): Databases {
  let settings: StorageSettings | undefined;
  const handles = new Set<SqlDatabase>();
  beforeEach(async () => {
    settings = await backend.fresh();
  });
  afterEach(async () => {
    const open = [...handles];
    handles.clear();
    await Promise.all(open.map((db) => db.close().catch(() => undefined)));
  });
  const dbs: Databases = {
    settings: () => settings!,
    open() {
      const db = openDatabase(loadConfig({}, { DB_SYNCHRONOUS: 'normal', ...settings }));
      handles.add(db);
      return db;
    },
    async reopen(db) {
      handles.delete(db);
      await db.close();
      return dbs.open();
    },
  };
  return dbs;
}

/**
 * Runs `migrate(appMigrations)` in `n` separate processes at the same moment, as the API and
 * the worker do when `npm start` boots on an empty database; resolves with their exit codes
 * and output.
 */
export async function migrateInProcesses(settings: StorageSettings, n: number): Promise<{ code: number | null; output: string }[]> {
  const script = path.join(repoRoot, 'test', 'support', 'migrate-child.ts');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // vitest's loader hooks are not what a process runs with
  // all start migrating at once, once every one has loaded (tsx compiles on load)
  const startAt = String(Date.now() + 4000);
  const runs = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(settings), startAt], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    return new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  });
  return Promise.all(runs);
}
