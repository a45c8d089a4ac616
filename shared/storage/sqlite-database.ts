// The only module that imports better-sqlite3.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { appError } from '../errors/index.ts';
import type { Migration, SqlDatabase, SqlParams } from './sql-database.ts';

export interface SqliteOptions {
  /** File path, or `:memory:`. */
  file: string;
  /** `full` survives power loss; `normal` (WAL) survives a process crash. */
  synchronous?: 'full' | 'normal';
}

type Params = unknown[];
const bind = (params?: SqlParams): Params => (params ?? []).map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/** A tiny FIFO lock: transactions and writes take it so they never interleave. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  async with<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

function wrap(err: unknown, sql: string): never {
  const msg = err instanceof Error ? err.message : String(err);
  throw appError('STORAGE_FAILED', `database error: ${msg}`, { statement: sql.slice(0, 120) }, err);
}

/**
 * SQLite through better-sqlite3 in WAL mode: one connection for writes and transactions,
 * serialised by a lock (it is shared by concurrent requests), and one for reads outside a
 * transaction, which see only committed data; statements cached.
 * @example const db = openSqlite({ file: 'data/affinity.db' })
 */
export function openSqlite(opts: SqliteOptions): SqlDatabase {
  if (opts.file !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
  let raw: BetterSqlite3.Database;
  try {
    raw = new BetterSqlite3(opts.file);
    // first: two processes opening a new file at once both switch it to WAL
    raw.pragma('busy_timeout = 5000');
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${(opts.synchronous ?? 'full').toUpperCase()}`);
    raw.pragma('foreign_keys = ON');
    // deleted rows are overwritten, not left in free pages (an erased user's data included)
    raw.pragma('secure_delete = ON');
  } catch (err) {
    throw appError('STORAGE_FAILED', `cannot open ${opts.file}: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
  }
  // Reads outside a transaction use a connection of their own: they see what is committed,
  // never the writes of a transaction in progress on `raw` (WAL lets both go on at once).
  let reader = raw;
  if (opts.file !== ':memory:') {
    try {
      reader = new BetterSqlite3(opts.file);
      reader.pragma('busy_timeout = 5000');
    } catch (err) {
      raw.close();
      throw appError('STORAGE_FAILED', `cannot open ${opts.file}: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
    }
  }
  const caches = new Map<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>([
    [raw, new Map()],
    [reader, new Map()],
  ]);
  const prepareOn = (conn: BetterSqlite3.Database, sql: string) => {
    const cache = caches.get(conn)!;
    let s = cache.get(sql);
    if (!s) {
      s = conn.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const prepare = (sql: string) => prepareOn(raw, sql);
  const read = async <R>(sql: string, run: (s: BetterSqlite3.Statement) => R): Promise<R> => {
    try {
      return run(prepareOn(reader, sql));
    } catch (err) {
      return wrap(err, sql);
    }
  };
  const lock = new Lock();

  const direct: SqlDatabase = {
    dialect: 'sqlite',
    async all<T>(sql: string, params?: SqlParams) {
      try {
        return prepare(sql).all(...bind(params)) as T[];
      } catch (err) {
        return wrap(err, sql);
      }
    },
    async get<T>(sql: string, params?: SqlParams) {
      try {
        return prepare(sql).get(...bind(params)) as T | undefined;
      } catch (err) {
        return wrap(err, sql);
      }
    },
    async run(sql: string, params?: SqlParams) {
      try {
        const r = prepare(sql).run(...bind(params));
        return { changes: r.changes };
      } catch (err) {
        return wrap(err, sql);
      }
    },
    transaction: (fn) => fn(direct),
    migrate: () => Promise.reject(new Error('migrate inside a transaction')),
    close: () => Promise.resolve(),
  };

  const db: SqlDatabase = {
    dialect: 'sqlite',
    all: <T>(sql: string, params?: SqlParams) => read(sql, (s) => s.all(...bind(params)) as T[]),
    get: <T>(sql: string, params?: SqlParams) => read(sql, (s) => s.get(...bind(params)) as T | undefined),
    run: (sql, params) => lock.with(() => direct.run(sql, params)),
    transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
      return lock.with(async () => {
        raw.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          raw.exec('COMMIT');
          return out;
        } catch (err) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw err;
        }
      });
    },
    async migrate(migrations: readonly Migration[]) {
      raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const m of migrations) {
        const done = raw.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id);
        if (done) continue;
        await db.transaction(async (tx) => {
          // again under the write lock: another process may have applied it meanwhile
          if (await tx.get('SELECT 1 FROM schema_migrations WHERE id = ?', [m.id])) return;
          const statements = typeof m.statements === 'function' ? m.statements('sqlite') : m.statements;
          for (const s of statements) await tx.run(s);
          await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, Date.now()]);
        });
      }
    },
    async close() {
      await lock.with(async () => {
        if (reader !== raw) reader.close();
        raw.close();
      });
    },
  };
  return db;
}
