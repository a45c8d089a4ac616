// The storage contract: what every SqlDatabase backend guarantees, run the same against each
// (test/integration/storage/*-storage.test.ts). Database-level guarantees here; the
// repositories' own in repository-contract.ts.
import { describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../shared/storage/index.ts';
import { repositoryContract } from './repository-contract.ts';
import { appMigrations, migrateInProcesses, probeMigrations, useDatabases, type StorageBackend } from './storage-backends.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves `p` into a probe that says whether it has settled yet. */
function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const promise = p.finally(() => (done = true));
  promise.catch(() => undefined);
  return { settled: () => done, promise };
}

const count = async (db: SqlDatabase, table = 'probe') => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
const note = async (db: SqlDatabase, id: string) => (await db.get<{ note: string | null }>('SELECT note FROM probe WHERE id = ?', [id]))?.note;

/**
 * Defines the storage contract suite for `backend`.
 * @example storageContract({ dialect: 'sqlite', fresh: async () => ({ DATABASE_FILE: tmpFile() }) })
 */
export function storageContract(backend: StorageBackend): void {
  const dbs = useDatabases(backend);
  const probe = async () => {
    const db = dbs.open();
    await db.migrate(probeMigrations);
    return db;
  };

  describe('migrations', () => {
    it('applies each migration once: migrating again, or from a reopened handle, changes nothing', async () => {
      let db = dbs.open();
      expect(db.dialect).toBe(backend.dialect);
      await db.migrate(appMigrations);
      await db.run("INSERT INTO kb_entries (id, questions, answer, created_at, updated_at) VALUES ('k', '[]', 'a', 1, 1)");
      await db.migrate(appMigrations);
      db = await dbs.reopen(db);
      await db.migrate(appMigrations);
      const ids = await db.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(ids.map((r) => r.id)).toEqual(appMigrations.map((m) => m.id).sort());
      expect(await count(db, 'kb_entries')).toBe(1);
    });

    it('applies a failing migration not at all, and tries it again next time', async () => {
      const db = dbs.open();
      const broken = { id: 'test-002-broken', statements: ['CREATE TABLE half (id TEXT)', 'CREATE TABLE broken ('] };
      await expect(db.migrate([broken])).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
      await expect(db.get('SELECT COUNT(*) AS n FROM half')).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
      await db.migrate([{ ...broken, statements: ['CREATE TABLE half (id TEXT)'] }]);
      expect(await count(db, 'half')).toBe(0);
    });

    it('lets two processes migrate an empty database at once', async () => {
      const runs = await migrateInProcesses(dbs.settings(), 2);
      for (const r of runs) expect(r, r.output).toMatchObject({ code: 0 });
      const db = dbs.open();
      expect(await count(db, 'schema_migrations')).toBe(appMigrations.length);
    });
  });

  describe('transactions', () => {
    it('commits what fn wrote and resolves with its value', async () => {
      const db = await probe();
      const out = await db.transaction(async (tx) => {
        await tx.run("INSERT INTO probe (id, note) VALUES ('a', 'x')");
        return (await tx.get<{ note: string }>("SELECT note FROM probe WHERE id = 'a'"))!.note;
      });
      expect(out).toBe('x');
      expect(await note(db, 'a')).toBe('x');
    });

    it('leaves no trace when fn throws, and rejects with fn\'s own error', async () => {
      const db = await probe();
      const boom = new Error('boom');
      await expect(
        db.transaction(async (tx) => {
          await tx.run("INSERT INTO probe (id) VALUES ('a')");
          await tx.run("UPDATE probe SET note = 'changed'");
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await count(db)).toBe(0);
    });

    it('leaves no trace when one of its statements fails', async () => {
      const db = await probe();
      await db.run("INSERT INTO probe (id, note) VALUES ('a', 'before')");
      await expect(
        db.transaction(async (tx) => {
          await tx.run("UPDATE probe SET note = 'after' WHERE id = 'a'");
          await tx.run("INSERT INTO probe (id) VALUES ('b')");
          await tx.run("INSERT INTO probe (id) VALUES ('a')"); // duplicate key
        }),
      ).rejects.toMatchObject({ code: 'STORAGE_FAILED', details: { statement: expect.stringContaining('INSERT INTO probe') } });
      expect(await note(db, 'a')).toBe('before');
      expect(await count(db)).toBe(1);
    });

    it('joins a nested transaction to the outer one: rolled back with it', async () => {
      const db = await probe();
      await expect(
        db.transaction(async (tx) => {
          await tx.transaction((inner) => inner.run("INSERT INTO probe (id) VALUES ('inner')"));
          expect(await count(tx)).toBe(1);
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await count(db)).toBe(0);
    });

    it('hides its writes from reads outside it until it commits', async () => {
      const db = await probe();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      const tx = db.transaction(async (t) => {
        await t.run("INSERT INTO probe (id, note) VALUES ('a', 'uncommitted')");
        written();
        await gate;
      });
      await wrote;
      try {
        expect(await note(db, 'a')).toBeUndefined();
        expect(await db.all('SELECT id FROM probe')).toEqual([]);
      } finally {
        release(); // a failed expectation must not leave the transaction (and its lock) open
      }
      await tx;
      expect(await note(db, 'a')).toBe('uncommitted');
    });

    for (const outcome of ['rolls back', 'commits'] as const) {
      it(`makes a write outside it to a row it wrote wait until it ${outcome === 'rolls back' ? 'rolls back' : 'commits'}`, async () => {
        const db = await probe();
        let outside!: ReturnType<typeof track<{ changes: number }>>;
        const tx = db.transaction(async (t) => {
          await t.run("INSERT INTO probe (id, note) VALUES ('w', 'inside')");
          outside = track(db.run("INSERT INTO probe (id, note) VALUES ('w', 'outside') ON CONFLICT (id) DO NOTHING"));
          await sleep(200);
          expect(outside.settled()).toBe(false);
          if (outcome === 'rolls back') throw new Error('roll back');
        });
        if (outcome === 'rolls back') await expect(tx).rejects.toThrow('roll back');
        else await tx;
        expect(await outside.promise).toEqual({ changes: outcome === 'rolls back' ? 1 : 0 });
        expect(await note(db, 'w')).toBe(outcome === 'rolls back' ? 'outside' : 'inside');
      });
    }

    it('keeps a write made outside a transaction that rolls back', async () => {
      const db = await probe();
      const tx = db.transaction(async (t) => {
        await t.run("INSERT INTO probe (id) VALUES ('inside')");
        const outside = track(db.run("INSERT INTO probe (id) VALUES ('outside')"));
        await sleep(50);
        throw Object.assign(new Error('roll back'), { outside });
      });
      const err = (await tx.catch((e: unknown) => e)) as { outside: ReturnType<typeof track> };
      await err.outside.promise;
      expect((await db.all<{ id: string }>('SELECT id FROM probe')).map((r) => r.id)).toEqual(['outside']);
    });

    it('stays usable after many failed transactions in a row', async () => {
      const db = await probe();
      const failures = Array.from({ length: 30 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO probe (id) VALUES (?)', [`f${i}`]);
          throw new Error(`fail ${i}`);
        }),
      );
      expect((await Promise.allSettled(failures)).every((r) => r.status === 'rejected')).toBe(true);
      await db.transaction((tx) => tx.run("INSERT INTO probe (id) VALUES ('ok')"));
      expect(await count(db)).toBe(1);
    });
  });

  describe('concurrency', () => {
    it('keeps every concurrent write: transactions and single statements, interleaved', async () => {
      const db = await probe();
      const txs = Array.from({ length: 20 }, (_, t) =>
        db.transaction(async (tx) => {
          for (let i = 0; i < 10; i++) await tx.run('INSERT INTO probe (id, n) VALUES (?, ?)', [`t${t}-${i}`, i]);
        }),
      );
      const singles = Array.from({ length: 20 }, (_, i) => db.run('INSERT INTO probe (id, n) VALUES (?, ?)', [`s${i}`, i]));
      await Promise.all([...txs, ...singles]);
      expect(await count(db)).toBe(220);
    });

    it('loses no update when concurrent statements change the same row', async () => {
      const db = await probe();
      await db.run("INSERT INTO probe (id, n) VALUES ('c', 0)");
      await Promise.all(Array.from({ length: 25 }, () => db.run("UPDATE probe SET n = n + 1 WHERE id = 'c'")));
      await Promise.all(Array.from({ length: 25 }, () => db.transaction((tx) => tx.run("UPDATE probe SET n = n + 1 WHERE id = 'c'"))));
      expect((await db.get<{ n: number }>("SELECT n FROM probe WHERE id = 'c'"))!.n).toBe(50);
    });
  });

  describe('types', () => {
    it('round-trips numbers, booleans, nulls, text and bytes identically', async () => {
      const db = await probe();
      const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
      await db.run('INSERT INTO probe (id, n, big, x, flag, note, data) VALUES (?, ?, ?, ?, ?, ?, ?)', ['a', -7, 8.64e15, 9.99, true, 'héllo ✓ \'?\'', bytes]);
      await db.run('INSERT INTO probe (id, n, big, x, flag, note, data) VALUES (?, ?, ?, ?, ?, ?, ?)', ['b', 0, 1767225600123, 0.1 + 0.2, false, null, null]);
      expect(await db.all('SELECT * FROM probe ORDER BY id')).toEqual([
        { id: 'a', n: -7, big: 8.64e15, x: 9.99, flag: 1, note: 'héllo ✓ \'?\'', data: bytes },
        { id: 'b', n: 0, big: 1767225600123, x: 0.1 + 0.2, flag: 0, note: null, data: null },
      ]);
      expect(await db.get("SELECT COUNT(*) AS n, SUM(n) AS total, MAX(big) AS latest, AVG(x) AS mean FROM probe WHERE id IN ('a', 'b')")).toEqual({
        n: 2,
        total: -7,
        latest: 8.64e15,
        mean: (9.99 + (0.1 + 0.2)) / 2,
      });
      expect(await db.get('SELECT id FROM probe WHERE id = ?', ['missing'])).toBeUndefined();
    });

    it('treats a ? inside a string literal as text, not a placeholder', async () => {
      const db = await probe();
      await db.run("INSERT INTO probe (id, note) VALUES (?, 'what? it''s ?')", ['q']);
      expect(await db.get("SELECT id, note FROM probe WHERE note = 'what? it''s ?' AND id = ?", ['q'])).toEqual({ id: 'q', note: "what? it's ?" });
    });

    it('sorts text by code point', async () => {
      const db = await probe();
      const ids = ['b', 'B', '_', 'a', 'é', 'Z', '10', '9', 'a b', 'ab'];
      for (const id of ids) await db.run('INSERT INTO probe (id) VALUES (?)', [id]);
      expect((await db.all<{ id: string }>('SELECT id FROM probe ORDER BY id')).map((r) => r.id)).toEqual(['10', '9', 'B', 'Z', '_', 'a', 'a b', 'ab', 'b', 'é']);
    });

    it('reports a failed statement as STORAGE_FAILED naming the statement', async () => {
      const db = await probe();
      await expect(db.all('SELECT nothing FROM probe')).rejects.toMatchObject({ code: 'STORAGE_FAILED', details: { statement: 'SELECT nothing FROM probe' } });
      await expect(db.run('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    });
  });

  describe('durability', () => {
    it('keeps acknowledged writes after the handle is closed and reopened', async () => {
      let db = await probe();
      await db.run("INSERT INTO probe (id, note) VALUES ('d', 'kept')");
      await db.transaction((tx) => tx.run("INSERT INTO probe (id, note) VALUES ('e', 'kept too')"));
      db = await dbs.reopen(db);
      await db.migrate(probeMigrations);
      expect(await db.all('SELECT id, note FROM probe ORDER BY id')).toEqual([
        { id: 'd', note: 'kept' },
        { id: 'e', note: 'kept too' },
      ]);
    });
  });

  repositoryContract(dbs);
}
