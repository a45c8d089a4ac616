// A real PostgreSQL for tests: the server at TEST_POSTGRES_URL (default: this machine's,
// user postgres over TCP). Each suite gets a database of its own, `affinity_test_<random>`,
// dropped after it; each test a schema of its own in that database. Never skipped: a server
// that does not answer fails the suite, saying how to start one.
import { randomUUID } from 'node:crypto';
import { openPostgres, type SqlDatabase } from '../../shared/storage/index.ts';

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's maintenance database URL (it must let its user CREATE DATABASE). */
export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
const randomName = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

export interface TestPostgresDatabase {
  /** URL of the suite's own database. */
  url: string;
  /** URL of a new, empty schema in it: everything created through this URL lands there. */
  freshSchema(): Promise<string>;
  /** Drops the database (closing anything still connected to it). */
  drop(): Promise<void>;
}

async function admin(url: string): Promise<SqlDatabase> {
  const db = openPostgres({ url, maxConnections: 1, connectTimeoutMs: 5000 });
  try {
    await db.get('SELECT 1');
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `PostgreSQL does not answer at ${redact(url)} (TEST_POSTGRES_URL): ${why}\n` +
        'The storage contract runs against a real PostgreSQL; start one, for example:\n' +
        '  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (Debian; or: service postgresql start)\n' +
        '  bash .ci/run   (installs and starts one on a fresh Debian machine)\n' +
        'or set TEST_POSTGRES_URL=postgres://user:password@host:5432/postgres (a user that may CREATE DATABASE).',
      { cause: err },
    );
  }
}

/**
 * Creates `affinity_test_<random>` on the test server, with C collation so text sorts by
 * code point as in SQLite.
 * @example const pg = await createTestDatabase(); afterAll(() => pg.drop())
 */
export async function createTestDatabase(): Promise<TestPostgresDatabase> {
  const server = testPostgresUrl();
  const name = randomName('affinity_test');
  const maintenance = await admin(server);
  try {
    await maintenance.run(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await maintenance.close();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  const own = await admin(url);
  return {
    url,
    async freshSchema() {
      const schema = randomName('t');
      await own.run(`CREATE SCHEMA ${schema}`);
      const s = new URL(url);
      s.searchParams.set('options', `-c search_path=${schema}`);
      return s.toString();
    },
    async drop() {
      await own.close();
      const db = await admin(server);
      try {
        await db.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await db.close();
      }
    },
  };
}
