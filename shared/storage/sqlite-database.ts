// The only module that imports better-sqlite3.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { appError } from '../errors/index.ts';
import { checkpointInBackground } from './sqlite-checkpointer.ts';
import type { Migration, SqlDatabase, SqlParams } from './sql-database.ts';

export interface SqliteOptions {
  /** File path, or `:memory:`. */
  file: string;
  /**
   * `full` survives power loss: a write resolves once the write-ahead log is on disk (synced
   * on a libuv thread, not the event loop, and shared by the writes committed meanwhile);
   * `normal` (WAL, no sync per commit) survives a process crash.
   */
  synchronous?: 'full' | 'normal';
  /**
   * Pages of write-ahead log not yet in the database file at which a worker thread
   * checkpoints it (see sqlite-checkpointer.ts), as SQLite does inside a commit at 1,000;
   * commits then never do it on the event loop.
   * @defaultValue 1000
   */
  checkpointPages?: number;
  /**
   * `commit` leaves checkpoints to SQLite, inside the commit that leaves 1,000 pages in the
   * log (no thread): for measuring the difference (`bench commit-sync`).
   * @defaultValue 'thread'
   */
  checkpoints?: 'thread' | 'commit';
}

/**
 * Pages in the log at which a commit checkpoints it itself (SQLite's default is 1,000): only if
 * the checkpointing thread is gone, or falls behind.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

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

/** How long a write waits for another process's write lock before failing (SQLite's busy_timeout, which blocks). */
const WRITE_LOCK_WAIT_MS = 5000;

const isBusy = (err: unknown): boolean => typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * Takes the database's write lock (`BEGIN IMMEDIATE`), waiting for another process that holds
 * it without blocking the event loop: SQLite's own busy handler sleeps in the calling thread
 * (1, 2, 5, 10, 15 … ms), which would stall every request of this process behind one write
 * that met another process's commit. Retries at 1–16 ms for up to `WRITE_LOCK_WAIT_MS`.
 */
async function beginImmediate(conn: BetterSqlite3.Database): Promise<void> {
  const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      conn.exec('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) wrap(err, 'BEGIN IMMEDIATE');
    }
    await sleep(Math.min(2 ** (attempt >> 1), 16));
  }
}

/**
 * Syncs a database's write-ahead log to disk off the event loop, with group commit: a call
 * resolves after a sync that began after it was made, and every commit that arrives while a
 * sync runs shares the next one. SQLite's `synchronous = FULL` makes the same fsync inside
 * COMMIT, in the calling thread: every request of the process then waits for the disk,
 * which while a worker writes a model's files can take tens of milliseconds.
 */
class WalSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly walFile: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => (this.running = undefined));
      return this.running;
    }
    // the sync in progress may have begun before this commit's frames were written
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  /** Kept open while the database is: SQLite keeps the log's file (truncating it at most) as long as a connection is open. */
  private file: FileHandle | undefined;

  private async flush(): Promise<void> {
    try {
      this.file ??= await open(this.walFile, 'r');
    } catch (err) {
      // no log: the last connection closed and checkpointed it into the (synced) database
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await this.file.datasync();
  }

  /** After the database's connections are closed. */
  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.next?.catch(() => undefined);
    await this.file?.close();
    this.file = undefined;
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
  if (opts.file !== ':memory:') {
    const dir = path.dirname(path.resolve(opts.file));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'EEXIST' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'a file is in the way' : err instanceof Error ? err.message : String(err);
      throw appError('STORAGE_FAILED', `cannot create the database folder ${dir} (AFFINITY_DATA_DIR or DATABASE_FILE): ${why}`, { folder: dir }, err);
    }
  }
  let raw: BetterSqlite3.Database;
  try {
    raw = new BetterSqlite3(opts.file);
    // first: two processes opening a new file at once both switch it to WAL
    raw.pragma('busy_timeout = 5000');
    raw.pragma('journal_mode = WAL');
    // FULL's sync is made by WalSync after COMMIT, off the event loop
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    // deleted rows are overwritten, not left in free pages (an erased user's data included)
    raw.pragma('secure_delete = ON');
    // checkpoints are made by a worker thread (below), not inside a commit on the event loop
    if (opts.file !== ':memory:' && opts.checkpoints !== 'commit') raw.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    // from here on every write takes the lock through beginImmediate, which waits without blocking
    raw.pragma('busy_timeout = 0');
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
  const wal = opts.file !== ':memory:' && (opts.synchronous ?? 'full') === 'full' ? new WalSync(`${path.resolve(opts.file)}-wal`) : undefined;
  const stopCheckpoints = opts.file !== ':memory:' && opts.checkpoints !== 'commit' ? checkpointInBackground(path.resolve(opts.file), opts.checkpointPages ?? 1000) : undefined;

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
    // one statement is a transaction of its own, so it takes the write lock the same way
    run: (sql, params) => db.transaction((tx) => tx.run(sql, params)),
    async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
      const out = await lock.with(async () => {
        await beginImmediate(raw);
        try {
          const result = await fn(direct);
          raw.exec('COMMIT');
          return result;
        } catch (err) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw err;
        }
      });
      // acknowledged only once on disk; the next transaction need not wait for this sync
      if (wal) {
        try {
          await wal.sync();
        } catch (err) {
          wrap(err, 'COMMIT (syncing the write-ahead log)');
        }
      }
      return out;
    },
    async migrate(migrations: readonly Migration[]) {
      await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const m of migrations) {
        if (await db.get('SELECT 1 FROM schema_migrations WHERE id = ?', [m.id])) continue;
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
      await wal?.close();
      await stopCheckpoints?.();
    },
  };
  return db;
}
