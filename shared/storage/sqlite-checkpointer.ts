/**
 * Checkpoints SQLite's write-ahead log from a worker thread. SQLite checkpoints on its own
 * inside the COMMIT that takes the log past 1,000 pages: that commit then copies the log into
 * the database file and syncs both, in the committing thread, which for an API process is the
 * event loop (10–104 ms measured under the soak's load). Here one thread per process, with a
 * connection of its own to each database, runs a PASSIVE checkpoint (it never blocks readers or
 * writers) every `intervalMs` when the log has changed. The write connections keep SQLite's
 * automatic checkpoint at a much higher mark, as a safety net should the thread be gone.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The thread's code: plain CommonJS, so it runs without the TypeScript loader. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const dbs = new Map(); // file -> { db, refs, intervalMs, lastRun, lastWal }
function checkpoint(file, d, force) {
  let wal;
  try {
    const st = fs.statSync(file + '-wal');
    wal = st.size + ':' + st.mtimeMs;
  } catch {
    return; // no log
  }
  if (!force && wal === d.lastWal) return;
  try {
    d.db.pragma('wal_checkpoint(PASSIVE)');
    d.lastWal = wal;
  } catch {
    // busy with another process's checkpoint, or closing: the next round retries
  }
}
setInterval(() => {
  const now = Date.now();
  for (const [file, d] of dbs) {
    if (now - d.lastRun < d.intervalMs) continue;
    d.lastRun = now;
    checkpoint(file, d, false);
  }
}, workerData.tickMs);
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    let d = dbs.get(m.file);
    if (!d) {
      try {
        const db = new Database(m.file);
        db.pragma('busy_timeout = 100');
        d = { db, refs: 0, intervalMs: m.intervalMs, lastRun: Date.now(), lastWal: '' };
        dbs.set(m.file, d);
      } catch (err) {
        parentPort.postMessage({ type: 'failed', file: m.file, message: String(err && err.message || err) });
        return;
      }
    }
    d.refs++;
    d.intervalMs = Math.min(d.intervalMs, m.intervalMs);
  } else if (m.type === 'close') {
    const d = dbs.get(m.file);
    if (d && --d.refs === 0) {
      dbs.delete(m.file);
      try { d.db.close(); } catch {}
    }
    parentPort.postMessage({ type: 'closed', id: m.id });
  }
});
`;

/** How often the thread looks at its databases, in ms: the finest interval a database can ask for. */
const TICK_MS = 25;

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, () => void>();

function theThread(): Worker {
  if (thread) return thread;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const t = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver, tickMs: TICK_MS } });
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
 * Starts checkpointing `file`'s write-ahead log every `intervalMs` (when it has changed) off the
 * calling thread. Returns the function that stops it, resolving once the thread has closed its
 * connection (the last connection to close a database checkpoints it and removes the log).
 * @example const stop = checkpointInBackground('data/affinity.db', 1000); … await stop();
 */
export function checkpointInBackground(file: string, intervalMs: number): () => Promise<void> {
  const t = theThread();
  t.postMessage({ type: 'open', file, intervalMs });
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
