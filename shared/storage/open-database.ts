import path from 'node:path';
import type { Config } from '../config/index.ts';
import { openPostgres } from './postgres-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { openSqlite } from './sqlite-database.ts';

/**
 * The configured database: PostgreSQL when DATABASE_URL is set, else SQLite at DATABASE_FILE
 * (default `<data dir>/affinity.db`). Opening connects to nothing yet: PostgreSQL's pool
 * connects on the first statement (in practice the boot-time `migrate`).
 */
export function openDatabase(config: Config): SqlDatabase {
  if (config.DATABASE_URL) return openPostgres({ url: config.DATABASE_URL, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS });
  const file = config.DATABASE_FILE || path.join(config.AFFINITY_DATA_DIR, 'affinity.db');
  return openSqlite({ file, synchronous: config.DB_SYNCHRONOUS });
}
