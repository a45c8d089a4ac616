/**
 * Checkpoints SQLite's write-ahead log from a worker thread, at the moments SQLite would.
 *
 * SQLite checkpoints on its own inside the COMMIT that leaves 1,000 pages in the log: that
 * commit copies the log into the database file and syncs both, in the committing thread, which
 * for an API process is the event loop (10–104 ms measured under the soak's load). Here one
 * thread per process, with a connection of its own to each database, reads the log's frame
 * counts from the WAL-index header in the `-shm` file every `pollMs` and runs a PASSIVE
 * checkpoint (it never blocks readers or writers) once the pages not yet copied reach
 * `pages`: as often as SQLite's own, only off the event loop. (Checkpointing every second
 * whenever the log changed was tried and made write tails worse: two file syncs a second.)
 * The write connections keep SQLite's automatic checkpoint at a much higher mark, as a safety
 * net should the thread be gone or fall behind.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The thread's code: plain CommonJS, so it runs without the TypeScript loader.
 *
 * The WAL-index header (https://www.sqlite.org/walformat.html, "The WAL-Index Header"), in the
 * host's byte order: mxFrame, the last valid frame in the log, is the u32 at offset 16 of the
 * first copy of the header; nBackfill, the frames already copied into the database, is the
 * u32 at offset 96 (the checkpoint-info record after the header's two 48-byte copies). Both
 * drop to 0 when a writer restarts the log after a complete checkpoint. A read torn by a
 * concurrent commit is harmless: it only decides when to try.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const Database = require(workerData.driver);
const little = os.endianness() === 'LE';
const header = Buffer.alloc(100);
const dbs = new Map(); // file -> { db, shm, refs, pages }
function pendingPages(d) {
  try {
    d.shm ??= fs.openSync(d.file + '-shm', 'r');
    if (fs.readSync(d.shm, header, 0, 100, 0) < 100) return 0;
  } catch {
    return 0; // no log yet, or it was removed by the last connection's close
  }
  const mxFrame = little ? header.readUInt32LE(16) : header.readUInt32BE(16);
  const nBackfill = little ? header.readUInt32LE(96) : header.readUInt32BE(96);
  return mxFrame > nBackfill ? mxFrame - nBackfill : 0;
}
setInterval(() => {
  for (const d of dbs.values()) {
    if (pendingPages(d) < d.pages) continue;
    try {
      d.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy with another process's checkpoint, or closing: the next round tries again
    }
  }
}, workerData.pollMs);
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    let d = dbs.get(m.file);
    if (!d) {
      try {
        const db = new Database(m.file);
        db.pragma('busy_timeout = 100');
        d = { file: m.file, db, shm: undefined, refs: 0, pages: m.pages };
        dbs.set(m.file, d);
      } catch (err) {
        parentPort.postMessage({ type: 'failed', file: m.file, message: String((err && err.message) || err) });
        return;
      }
    }
    d.refs++;
    d.pages = Math.min(d.pages, m.pages);
  } else if (m.type === 'close') {
    const d = dbs.get(m.file);
    if (d && --d.refs === 0) {
      dbs.delete(m.file);
      try { d.db.close(); } catch {}
      try { if (d.shm !== undefined) fs.closeSync(d.shm); } catch {}
    }
    parentPort.postMessage({ type: 'closed', id: m.id });
  }
});
`;

/** How often the thread reads each database's log header, in ms. */
const POLL_MS = 50;

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, () => void>();

function theThread(): Worker {
  if (thread) return thread;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const t = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver, pollMs: POLL_MS } });
  t.on('message', (m: { type: string; id?: number }) => {
    if (m.type === 'closed' && m.id !== undefined) {
      waiting.get(m.id)?.();
      waiting.delete(m.id);
      if (waiting.size === 0) t.unref();
    }
  });
  // the write connections' own automatic checkpoint takes over; a later database starts a new thread
  t.on('error', () => undefined);
  t.on('exit', () => {
    if (thread === t) thread = undefined;
    for (const done of waiting.values()) done();
    waiting.clear();
  });
  // after the listeners: adding a 'message' listener takes a reference again
  t.unref();
  thread = t;
  return t;
}

/**
 * Starts checkpointing `file`'s write-ahead log off the calling thread whenever `pages` pages
 * of it are not yet in the database file. Returns the function that stops it, resolving once
 * the thread has closed its connection (the last connection to close a database checkpoints it
 * and removes the log).
 * @example const stop = checkpointInBackground('data/affinity.db', 1000); … await stop();
 */
export function checkpointInBackground(file: string, pages: number): () => Promise<void> {
  const t = theThread();
  t.postMessage({ type: 'open', file, pages });
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= new Promise<void>((resolve) => {
      if (thread !== t) return resolve();
      const id = nextId++;
      waiting.set(id, resolve);
      // held until the thread answers: a process ending now would cut its connection's close short
      t.ref();
      t.postMessage({ type: 'close', file, id });
    }));
}
