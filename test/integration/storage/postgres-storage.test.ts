import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../shared/storage/index.ts';
import { freePort } from '../../support/redis.ts';
import { createTestDatabase, type TestPostgresDatabase } from '../../support/postgres.ts';
import { storageContract } from '../../support/storage-contract.ts';

// The storage contract on PostgreSQL (TEST_POSTGRES_URL, default this machine's server):
// the suite creates its own database and drops it after; each test gets a fresh schema in it.
// No server, no skip: the suite fails, saying how to start one.
describe('storage contract on PostgreSQL', () => {
  let server: TestPostgresDatabase | undefined;
  beforeAll(async () => {
    server = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.drop();
  });

  storageContract({
    dialect: 'postgres',
    fresh: async () => ({ DATABASE_URL: await server!.freshSchema() }),
  });

  it('tells a server it cannot reach (503 STORAGE_UNAVAILABLE: try again) from one that refuses (500 STORAGE_FAILED)', async () => {
    const closed = await freePort();
    const nowhere = openPostgres({ url: `postgres://postgres@127.0.0.1:${closed}/postgres`, connectTimeoutMs: 2000 });
    const missing = new URL(server!.url);
    missing.pathname = '/affinity_no_such_database';
    const wrongDb = openPostgres({ url: missing.toString() });
    try {
      await expect(nowhere.get('SELECT 1')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
      await expect(wrongDb.get('SELECT 1')).rejects.toMatchObject({ code: 'STORAGE_FAILED', status: 500, details: { sqlstate: '3D000' } });
      const db = openPostgres({ url: await server!.freshSchema() });
      await expect(db.get('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'STORAGE_FAILED', details: { sqlstate: '42P01' } });
      await db.close();
    } finally {
      await nowhere.close();
      await wrongDb.close();
    }
  });

  describe('time limits (DATABASE_STATEMENT_TIMEOUT_MS)', () => {
    it('a write waiting on a lock another holds gives up instead of waiting; a statement past the limit is cancelled', async () => {
      const url = await server!.freshSchema();
      const [holder, writer] = [openPostgres({ url, statementTimeoutMs: 1000 }), openPostgres({ url, statementTimeoutMs: 1000 })];
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      try {
        await holder.run('CREATE TABLE t (id INT PRIMARY KEY)');
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const holding = holder.transaction(async (tx) => {
          await tx.run('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
          locked();
          await released;
        });
        await isLocked;
        // the lock wait is bounded by the smaller of 10 s and the statement limit: either ends it
        const refused = await writer.run('INSERT INTO t VALUES (1)').then(() => undefined, (err: unknown) => err);
        expect(refused).toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503, details: { sqlstate: expect.stringMatching(/^(55P03|57014)$/) } });
        release();
        await holding;
        // the lock gone, the same write goes through
        expect((await writer.run('INSERT INTO t VALUES (1)')).changes).toBe(1);
        await expect(writer.get('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', details: { sqlstate: '57014' } });
      } finally {
        release();
        await holder.close();
        await writer.close();
      }
    });
  });
});
