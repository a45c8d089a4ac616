import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqlite } from '../../../shared/storage/sqlite-database.ts';
import { storageContract } from '../../support/storage-contract.ts';

/**
 * The log's frame counts from the WAL-index header at the start of the `-shm` file
 * (https://www.sqlite.org/walformat.html): the last frame in the log, and how many frames
 * a checkpoint has copied into the database file. Host byte order.
 */
function walIndexHeader(file: string): { mxFrame: number; nBackfill: number } {
  const b = readFileSync(`${file}-shm`).subarray(0, 100);
  const le = os.endianness() === 'LE';
  return { mxFrame: le ? b.readUInt32LE(16) : b.readUInt32BE(16), nBackfill: le ? b.readUInt32LE(96) : b.readUInt32BE(96) };
}

// The storage contract on SQLite: each test on a fresh database file.
describe('storage contract on SQLite', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'affinity-db-'));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  storageContract({
    dialect: 'sqlite',
    fresh: async () => ({ DATABASE_FILE: path.join(root, `test-${++n}`, 'affinity.db') }),
  });

  it('says which folder it cannot create when a file stands where the data folder should be', () => {
    const dataDir = path.join(root, 'a-file');
    writeFileSync(dataDir, 'not a folder');
    expect(() => openSqlite({ file: path.join(dataDir, 'affinity.db') })).toThrow(
      expect.objectContaining({ code: 'STORAGE_FAILED', message: expect.stringContaining(`cannot create the database folder ${dataDir}`) }),
    );
    expect(readFileSync(dataDir, 'utf8')).toBe('not a folder');
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

  // SQLite's own checkpoint runs inside the commit that leaves 1,000 pages (4 MiB) in the log,
  // on the event loop. Here commits checkpoint only past 10,000 pages; a worker thread copies
  // the log into the database file once `checkpointPages` of it are pending, and the next
  // commit then starts the log again from its beginning, so the log stays about one batch long.
  it('checkpoints the write-ahead log from a worker thread once enough pages are pending, and leaves nothing behind at close', async () => {
    const file = path.join(root, 'checkpoints', 'affinity.db');
    const db = openSqlite({ file, checkpointPages: 100 });
    const blob = Buffer.alloc(5000, 7);
    const rows = 100; // about 1.3 pages a row: 130 pages a batch
    try {
      await db.migrate([{ id: '001', statements: ['CREATE TABLE t (x INTEGER NOT NULL, b BLOB NOT NULL)'] }]);
      expect(statSync(file).size).toBeLessThan(100_000);
      for (let batch = 0; batch < 6; batch++) {
        await db.transaction(async (tx) => {
          for (let i = 0; i < rows; i++) await tx.run('INSERT INTO t (x, b) VALUES (?, ?)', [batch * rows + i, blob]);
        });
        // the checkpoint is complete once every frame of the log is in the database file
        await vi.waitFor(
          () => {
            const { mxFrame, nBackfill } = walIndexHeader(file);
            expect(mxFrame).toBeGreaterThan(100);
            expect(nBackfill).toBe(mxFrame);
          },
          { timeout: 10_000, interval: 10 },
        );
      }
      expect(statSync(file).size).toBeGreaterThan(6 * rows * blob.length);
      // six batches are 3 MB of blobs: without the log's restarts it would hold them all
      expect(statSync(`${file}-wal`).size).toBeLessThan(1_000_000);
    } finally {
      await db.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = openSqlite({ file });
    try {
      expect(await again.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')).toEqual({ n: 6 * rows });
    } finally {
      await again.close();
    }
  });
});
