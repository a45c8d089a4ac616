// How long a durable database commit takes while something else writes a large file to the
// same disk: the case of a catalog upsert acknowledged while the worker saves a model. Small
// commits (our SQLite, DB_SYNCHRONOUS=full) at a fixed rate, measured alone, beside a writer
// that writes each file whole and syncs it at the end, and beside one that syncs every MiB as
// it goes (writeFileDurably, what the model registry and the indexes use). Then where the
// write-ahead log is checkpointed: inside the commit that leaves 1,000 pages in it (SQLite's
// own way, on the committing thread, here the event loop) or by the module's worker thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DURABLE_WRITE_CHUNK_BYTES, writeFileDurably } from '../../shared/fs/write-file-durably.ts';
import { openSqlite } from '../../shared/storage/index.ts';
import { cleanupOnInterrupt } from '../support/interrupted.ts';
import { summarize, type Latency } from '../support/load.ts';

export interface CommitSyncOptions {
  /** Seconds of commits per condition. */
  seconds: number;
  /** Commits per second. */
  rate: number;
  /** Size of each file the writer writes, in MiB. */
  fileMiB: number;
  /** Folder for the database and the files (default: a fresh one under the OS temp folder: put it on the disk you mean to measure). */
  dir?: string;
  progress: (line: string) => void;
}

type Writer = (file: string, data: Uint8Array) => Promise<void>;

/** The file whole, then one sync: what `fs.writeFile` followed by `fsync` does. */
const writeWholeThenSync: Writer = async (file, data) => {
  const fh = await open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
};

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Commits made by `commit` at `opts.rate` a second for `opts.seconds`, each started on time
 * whether or not the ones before have finished, while `writer` (if any) writes `payload`-sized
 * files back to back into `dir`. Returns each commit's latency and the files written.
 */
async function pacedCommits(commit: () => Promise<unknown>, writer: Writer | undefined, dir: string, payload: Uint8Array, opts: CommitSyncOptions): Promise<{ latencies: number[]; files: number }> {
  let stop = false;
  let files = 0;
  const background = (async () => {
    while (writer && !stop) {
      await writer(path.join(dir, `model-${files % 2}.bin`), payload);
      files++;
    }
  })();
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / opts.rate;
  const start = performance.now();
  for (let i = 0; i < opts.seconds * opts.rate; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    pending.push(commit().then(() => void latencies.push(performance.now() - t)));
  }
  await Promise.all(pending);
  stop = true;
  await background;
  return { latencies, files };
}

export async function runCommitSyncBench(opts: CommitSyncOptions) {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'affinity-commit-sync-'));
  const db = openSqlite({ file: path.join(dir, 'bench.db'), synchronous: 'full' });
  const cleanup = async () => {
    await db.close().catch(() => undefined);
    // the background writer's files; a folder of the bench's own goes whole
    for (const f of ['model-0.bin', 'model-1.bin']) await rm(path.join(dir, f), { force: true });
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  const release = cleanupOnInterrupt(cleanup);
  try {
    await db.run('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const payload = new Uint8Array(opts.fileMiB << 20).map((_, i) => (i * 2654435761) >>> 24);
    let row = 0;

    const measure = async (writer: Writer | undefined): Promise<Latency & { max: number; commits: number; files_written: number }> => {
      const { latencies, files } = await pacedCommits(() => db.run('INSERT INTO t (v) VALUES (?)', [`row ${row++}`]), writer, dir, payload, opts);
      return { ...summarize(latencies), max: round(Math.max(...latencies)), commits: latencies.length, files_written: files };
    };

    opts.progress(`commits alone: ${opts.rate}/s for ${opts.seconds} s …`);
    const alone = await measure(undefined);
    opts.progress(`beside ${opts.fileMiB} MiB files written whole, then synced …`);
    const whole = await measure(writeWholeThenSync);
    opts.progress(`beside ${opts.fileMiB} MiB files synced every ${DURABLE_WRITE_CHUNK_BYTES >> 20} MiB (writeFileDurably) …`);
    const chunked = await measure(writeFileDurably);

    opts.progress(`checkpoints: ${CHECKPOINT_COMMIT_KIB} KiB commits, ${opts.rate}/s for ${opts.seconds} s beside the MiB-synced writer, checkpointed inside the commit, then by a thread …`);
    const checkpoints = {
      in_commit: await measureCheckpoints(dir, 'commit', payload, opts),
      thread: await measureCheckpoints(dir, 'thread', payload, opts),
    };

    return {
      seconds: opts.seconds,
      rate_per_s: opts.rate,
      file_mib: opts.fileMiB,
      chunk_mib: DURABLE_WRITE_CHUNK_BYTES / (1 << 20),
      commit_ms: { alone, beside_whole_file_writes: whole, beside_chunked_writes: chunked },
      p99_ratio_whole_vs_chunked: round(whole.p99 / Math.max(0.01, chunked.p99)),
      checkpoint_commit_kib: CHECKPOINT_COMMIT_KIB,
      checkpoints,
      machine: { cpus: os.availableParallelism(), loadavg_1m: round(os.loadavg()[0] ?? 0) },
    };
  } finally {
    release();
    await cleanup();
  }
}

/** Bytes of each commit in the checkpoint comparison: a log of 1,000 pages every few seconds. */
const CHECKPOINT_COMMIT_KIB = 16;

/**
 * Commits of CHECKPOINT_COMMIT_KIB at `rate` on a fresh database whose log is checkpointed
 * `where`, beside a writer of `payload`-sized files synced every MiB, with the event loop's
 * delay sampled meanwhile: a checkpoint inside a commit holds the loop while it copies the log
 * into the database file and syncs both.
 */
async function measureCheckpoints(dir: string, where: 'commit' | 'thread', payload: Uint8Array, opts: CommitSyncOptions) {
  const file = path.join(dir, `checkpoints-${where}.db`);
  const db = openSqlite({ file, synchronous: 'full', checkpoints: where });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  try {
    await db.run('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    const blob = Buffer.alloc(CHECKPOINT_COMMIT_KIB << 10, 7);
    loop.enable();
    const { latencies } = await pacedCommits(() => db.run('INSERT INTO t (v) VALUES (?)', [blob]), writeFileDurably, dir, payload, opts);
    loop.disable();
    const ms = (ns: number) => round(ns / 1e6);
    return {
      commit_ms: { ...summarize(latencies), max: round(Math.max(...latencies)) },
      // the loop's delay beyond the 1 ms sampling interval: how long other requests would wait
      event_loop_delay_ms: { p99: ms(loop.percentile(99)), p999: ms(loop.percentile(99.9)), max: ms(loop.max) },
    };
  } finally {
    await db.close();
    for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
  }
}
