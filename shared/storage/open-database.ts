import path from 'node:path';
import type { Config } from '../config/index.ts';
import type { SqlDatabase } from './sql-database.ts';
import { openSqlite } from './sqlite-database.ts';

/** The configured database: SQLite at DATABASE_FILE (default `<data dir>/affinity.db`). */
export function openDatabase(config: Config): SqlDatabase {
  const file = config.DATABASE_FILE || path.join(config.AFFINITY_DATA_DIR, 'affinity.db');
  return openSqlite({ file, synchronous: config.DB_SYNCHRONOUS });
}
