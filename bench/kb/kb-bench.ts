import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanupOnInterrupt } from '../support/interrupted.ts';
import { freePort, startBenchServer, stopBenchServer, until } from '../support/server-process.ts';

export interface KbBenchOptions {
  entries: number;
  questions: number;
  batch: number;
  processes: number;
  sharedDir: string;
  progress: (line: string) => void;
}

const KEY = `aff_benchkb_${randomBytes(32).toString('base64url')}`;
const WORDS = 'order refund ship parcel card account password delivery invoice return exchange size colour payment address cancel voucher warranty'.split(' ');

/** A question no other entry has: words drawn by index, and the entry's own number. */
const question = (i: number, j: number) => `how do I ${WORDS[(i * 7 + j) % WORDS.length]} my ${WORDS[(i * 3 + j * 5) % WORDS.length]}, case ${i} variant ${j}?`;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Knowledge base writes through the API as a shop's back office makes them: `entries` entries of
 * `questions` new questions each, put in batches of `batch` on a real server of `processes` API
 * processes (each embeds and indexes every change, its own or announced by another). Reports the
 * time of each batch and of the whole, and how long until the last entry is found on new
 * connections (so by every process) after its batch was acknowledged.
 */
export async function runKbBench(opts: KbBenchOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-bench-kb-'));
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    await stopBenchServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const release = cleanupOnInterrupt(cleanup);
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    child = await startBenchServer({ dataDir, sharedDir: opts.sharedDir, port, key: KEY, processes: opts.processes, env: { REDIS_PREFIX: `bench-kb-${port}` } });

    const batchMs: number[] = [];
    const started = performance.now();
    let acknowledged = started;
    for (let from = 0; from < opts.entries; from += opts.batch) {
      const entries = [];
      for (let i = from; i < Math.min(opts.entries, from + opts.batch); i++) {
        entries.push({ id: `bench-${i}`, questions: Array.from({ length: opts.questions }, (_, j) => question(i, j)), answer: `Answer ${i}.` });
      }
      const t = performance.now();
      const r = await fetch(`${base}/v1/kb/entries`, { method: 'PUT', headers, body: JSON.stringify({ entries }) });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`PUT /v1/kb/entries answered ${r.status}: ${body.slice(0, 300)}`);
      acknowledged = performance.now();
      batchMs.push(acknowledged - t);
      opts.progress(`${Math.min(opts.entries, from + opts.batch)} of ${opts.entries} entries: batch ${Math.round(acknowledged - t)} ms`);
    }
    const putSeconds = (acknowledged - started) / 1000;

    // the last entry, asked for on a new connection each time (the cluster hands connections to
    // its processes in turn): found 4 × processes times in a row, every process has it
    const last = opts.entries - 1;
    const q = encodeURIComponent(`case ${last} variant 0`);
    let inARow = 0;
    await until('the last entry to be found by every process', 600_000, async () => {
      const r = await fetch(`${base}/v1/kb/search?q=${q}&k=1`, { headers: { ...headers, connection: 'close' } });
      const hits = ((await r.json()) as { hits?: Array<{ id: string }> }).hits ?? [];
      inARow = hits[0]?.id === `bench-${last}` ? inARow + 1 : 0;
      return inARow >= 4 * opts.processes;
    }, 20);
    const everywhereMs = performance.now() - acknowledged;

    const sorted = [...batchMs].sort((a, b) => a - b);
    return {
      entries: opts.entries,
      questions: opts.entries * opts.questions,
      batch: opts.batch,
      batches: batchMs.length,
      api_processes: opts.processes,
      put_seconds: round(putSeconds),
      entries_per_s: round(opts.entries / putSeconds),
      batch_ms: { median: round(sorted[Math.floor(sorted.length / 2)]!), max: round(sorted.at(-1)!), last: round(batchMs.at(-1)!) },
      last_batch_everywhere_ms: round(everywhereMs),
    };
  } finally {
    release();
    await cleanup();
  }
}
