import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../shared/storage/sqlite-database.ts';
import { storageContract } from '../../support/storage-contract.ts';

// The storage contract on SQLite: each test on a fresh database file.
describe('storage contract on SQLite', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'affinity-db-'));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  storageContract({
    dialect: 'sqlite',
    fresh: async () => ({ DATABASE_FILE: path.join(root, `test-${++n}`, 'affinity.db') }),
  });

  // Two connections to one file stand for two processes (two API processes, or the API and a
  // worker). SQLite's own busy handler would sleep in this thread while the other connection
  // holds the write lock, so the timer that lets that connection commit could never fire: the
  // second write would fail with "database is locked" after the whole busy timeout.
  it('waits for another connection’s write lock without blocking the event loop', async () => {
    const file = path.join(root, 'two-writers', 'affinity.db');
    const first = openSqlite({ file });
    const second = openSqlite({ file });
    try {
      await first.migrate([{ id: '001', statements: ['CREATE TABLE t (x INTEGER NOT NULL)'] }]);
      let inside!: () => void;
      const holding = new Promise<void>((r) => (inside = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const firstWrite = first.transaction(async (tx) => {
        await tx.run('INSERT INTO t (x) VALUES (1)');
        inside();
        await released;
      });
      await holding;
      const secondWrite = second.run('INSERT INTO t (x) VALUES (2)');
      // runs only if the second write's wait leaves the event loop free
      setTimeout(release, 5);
      await firstWrite;
      await expect(secondWrite).resolves.toEqual({ changes: 1 });
      expect(await second.all<{ x: number }>('SELECT x FROM t ORDER BY rowid')).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
