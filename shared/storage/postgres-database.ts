// The only module that imports pg.
import pg from 'pg';
import { appError, isAppError } from '../errors/index.ts';
import { toPgPlaceholders } from './pg-placeholders.ts';
import type { Migration, SqlDatabase, SqlParams } from './sql-database.ts';

export interface PostgresOptions {
  /** `postgres://user:password@host:5432/database`, with `?sslmode=…` and the like as pg reads them. */
  url: string;
  /**
   * Longest a statement may run, waiting for locks included, before the server cancels it (and
   * the client gives up on a connection that stopped answering a few seconds later); 0 = no
   * limit. A request then fails with `STORAGE_UNAVAILABLE` instead of hanging.
   * @defaultValue 60000
   */
  statementTimeoutMs?: number;
  /**
   * Most connections the pool opens.
   * @defaultValue 10
   */
  maxConnections?: number;
  /**
   * How long a query waits for a connection (a new one, or a free one from a busy pool).
   * @defaultValue 10000
   */
  connectTimeoutMs?: number;
}

/**
 * int8 (COUNT(*), BIGINT columns) and numeric come back as numbers, as from SQLite: every
 * value Affinity keeps in them (epoch milliseconds, counts) is well inside 2^53.
 */
const NUMBER_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_OIDS.has(oid) && format !== 'binary' ? (s: string) => Number(s) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Booleans go in as 1/0, as on SQLite: the schemas keep flags in INTEGER columns (and BOOLEAN reads '1'/'0' too). */
const bind = (params?: SqlParams): unknown[] => (params ?? []).map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/** Losing a deadlock or a serialization conflict: the transaction is run again, up to MAX_TRIES times in all. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_TRIES = 3;
/** Key of the advisory lock that makes concurrent `migrate` calls (several processes starting) take turns. */
const MIGRATE_LOCK_KEY = 0x4166_6e74; // 'Afnt'

type Queryable = pg.Pool | pg.PoolClient;

/** Where the URL points, without its password: for messages. */
function serverName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** The SQLSTATE of an error the server sent (not a Node error code such as ECONNREFUSED). */
function pgCode(err: unknown): string | undefined {
  const e = isAppError(err) ? err.cause : err;
  const code = e && typeof e === 'object' && 'code' in e ? e.code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function errorMessage(err: unknown): string {
  // a refused connection to a name with several addresses is an AggregateError with no message
  return err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
}

/** SQLSTATEs that say "not now": the connection broke, the server is going down or full, a statement timed out or waited too long for a lock. */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300|57014|55P03)$/;
/** Node's errors for a connection that could not be made or broke, and pg's for a client whose connection is gone or timed out. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE = /connection terminated|connection error|not queryable|query read timeout|timeout exceeded when trying to connect/i;

/**
 * Whether a failure is the server being unreachable or busy (`STORAGE_UNAVAILABLE`, 503: try
 * again) rather than a statement it refused (`STORAGE_FAILED`, 500). A wrong password, a
 * missing database or a missing grant is the latter: trying again does not mend it.
 */
function unavailable(err: unknown): boolean {
  const sqlstate = pgCode(err);
  if (sqlstate) return UNAVAILABLE_STATE.test(sqlstate);
  const e = err as NodeJS.ErrnoException & { errors?: unknown[] };
  if (e?.code && UNAVAILABLE_ERRNO.has(e.code)) return true;
  if (Array.isArray(e?.errors)) return e.errors.some(unavailable);
  return err instanceof Error && UNAVAILABLE_MESSAGE.test(err.message);
}

/** A failed statement as STORAGE_UNAVAILABLE or STORAGE_FAILED; `where` names the server when the server is not what answered. */
function wrap(err: unknown, sql: string, where: string): never {
  if (isAppError(err)) throw err;
  const sqlstate = pgCode(err);
  const msg = sqlstate ? errorMessage(err) : `${errorMessage(err)} (PostgreSQL at ${where})`;
  throw appError(unavailable(err) ? 'STORAGE_UNAVAILABLE' : 'STORAGE_FAILED', `database error: ${msg}`, { statement: sql.slice(0, 120), sqlstate }, err);
}

/** Longest a statement waits for a row or table lock another holds. */
const LOCK_TIMEOUT_MS = 10_000;
/** How much longer than the server's statement timeout the client waits before it gives up on the connection. */
const QUERY_TIMEOUT_GRACE_MS = 5_000;

/** Statements as pg takes them, translated once each (the set is small: repositories' fixed SQL and IN-lists by length). */
const translated = new Map<string, { text: string; count: number }>();
function translate(sql: string): { text: string; count: number } {
  let t = translated.get(sql);
  if (!t) {
    if (translated.size >= 5000) translated.clear();
    t = toPgPlaceholders(sql);
    translated.set(sql, t);
  }
  return t;
}

async function query(q: Queryable, where: string, sql: string, params?: SqlParams): Promise<pg.QueryResult> {
  const { text, count } = translate(sql);
  const values = bind(params);
  if (values.length !== count) {
    throw appError('STORAGE_FAILED', `database error: the statement has ${count} placeholder(s) but ${values.length} parameter(s) were given`, {
      statement: sql.slice(0, 120),
    });
  }
  try {
    return await q.query(text, values);
  } catch (err) {
    return wrap(err, sql, where);
  }
}

/** The statements of a transaction, all on its one client; a nested `transaction` joins it. */
function onClient(client: pg.PoolClient, where: string): SqlDatabase {
  const tx: SqlDatabase = {
    dialect: 'postgres',
    all: async <T>(sql: string, params?: SqlParams) => (await query(client, where, sql, params)).rows as T[],
    get: async <T>(sql: string, params?: SqlParams) => (await query(client, where, sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => ({ changes: (await query(client, where, sql, params)).rowCount ?? 0 }),
    transaction: (fn) => fn(tx),
    migrate: () => Promise.reject(new Error('migrate inside a transaction')),
    close: () => Promise.resolve(),
  };
  return tx;
}

/**
 * PostgreSQL through a pg.Pool. Statements outside a transaction take any free connection;
 * a transaction holds one connection from BEGIN to COMMIT, so what it writes is seen by no
 * one else until it commits, and by no one at all if it rolls back. A write outside it that
 * touches the same rows waits for it (row locks), as every write waits on SQLite.
 * @example const db = openPostgres({ url: 'postgres://affinity:secret@db:5432/affinity' })
 */
export function openPostgres(opts: PostgresOptions): SqlDatabase {
  const where = serverName(opts.url);
  const statementTimeout = opts.statementTimeoutMs ?? 60_000;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // a server that stops answering (frozen, or a network that drops packets) is found out by
    // the client's own timer; a lock or a slow statement, by the server's
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + QUERY_TIMEOUT_GRACE_MS } : {}),
    // a write waiting on another's lock gives up as on SQLite (busy timeout), not after a minute
    lock_timeout: statementTimeout > 0 ? Math.min(LOCK_TIMEOUT_MS, statementTimeout) : LOCK_TIMEOUT_MS,
    keepAlive: true,
    types,
  });
  // A connection that breaks while idle in the pool is dropped by it; the next statement
  // opens a new one, or reports why it cannot. Without a listener the process would exit.
  pool.on('error', () => undefined);

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      throw appError(unavailable(err) ? 'STORAGE_UNAVAILABLE' : 'STORAGE_FAILED', `cannot reach PostgreSQL at ${where}: ${errorMessage(err)}`, { sqlstate: pgCode(err) }, err);
    }
  }

  /** A client checked out for `fn`; one that may be in a bad state is destroyed, not pooled again. */
  async function withClient<T>(fn: (client: pg.PoolClient, markBroken: (err: unknown) => void) => Promise<T>): Promise<T> {
    const client = await connect();
    let broken: Error | undefined;
    const markBroken = (err: unknown) => (broken ??= err instanceof Error ? err : new Error(String(err)));
    // a connection lost between two statements of a transaction reports here, not as a crash
    client.on('error', markBroken);
    try {
      return await fn(client, markBroken);
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  }

  /** Runs `fn` between BEGIN and COMMIT on `client`; rolls back when it throws. */
  async function inTransaction<T>(client: pg.PoolClient, markBroken: (err: unknown) => void, fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    await query(client, where, 'BEGIN');
    try {
      const out = await fn(onClient(client, where));
      await query(client, where, 'COMMIT');
      return out;
    } catch (err) {
      // after a failed COMMIT the server has already rolled back, and ROLLBACK is a no-op;
      // a ROLLBACK that fails means the connection is gone or unusable
      await client.query('ROLLBACK').catch(markBroken);
      throw err;
    }
  }

  const db: SqlDatabase = {
    dialect: 'postgres',
    all: async <T>(sql: string, params?: SqlParams) => (await query(pool, where, sql, params)).rows as T[],
    get: async <T>(sql: string, params?: SqlParams) => (await query(pool, where, sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => ({ changes: (await query(pool, where, sql, params)).rowCount ?? 0 }),
    async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withClient((client, markBroken) => inTransaction(client, markBroken, fn));
        } catch (err) {
          if (attempt >= MAX_TRIES || !RETRYABLE.has(pgCode(err) ?? '')) throw err;
        }
      }
    },
    async migrate(migrations: readonly Migration[]) {
      await withClient(async (client, markBroken) => {
        // one process at a time: two processes starting at once would both create the tables
        await query(client, where, 'SELECT pg_advisory_lock(?)', [MIGRATE_LOCK_KEY]);
        try {
          await query(client, where, 'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
          for (const m of migrations) {
            await inTransaction(client, markBroken, async (tx) => {
              if (await tx.get('SELECT 1 FROM schema_migrations WHERE id = ?', [m.id])) return;
              const statements = typeof m.statements === 'function' ? m.statements('postgres') : m.statements;
              for (const s of statements) await tx.run(s);
              await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, Date.now()]);
            });
          }
        } finally {
          // a connection that cannot unlock is destroyed, and the server drops its locks with it
          await query(client, where, 'SELECT pg_advisory_unlock(?)', [MIGRATE_LOCK_KEY]).catch(markBroken);
        }
      });
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}
