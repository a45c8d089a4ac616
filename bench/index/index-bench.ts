import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FlatIndex, HnswIndex } from '../../shared/vector-index/index.ts';
import { clusterCentres, clusteredVectors } from './clustered-vectors.ts';

export interface IndexBenchOptions {
  /** Vectors in the index. */
  n: number;
  dim: number;
  /** Queries (drawn from the same mixture, not in the index). */
  queries: number;
  clusters: number;
  /** Search breadths to measure. */
  efs: number[];
  k: number;
  m: number;
  efConstruction: number;
  /** Passes of each measurement; medians are reported. The wrapper/direct comparison runs 5× as many pairs. */
  repeat: number;
  seed: number;
  progress: (line: string) => void;
}

export interface EfRow {
  ef: number;
  recall_at_10: number;
  qps: number;
  ratio_vs_exact: number;
}

const RECALL_TARGET = 0.95;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function folderBytes(dir: string): Promise<{ binary: number; total: number }> {
  let binary = 0;
  let total = 0;
  for (const name of await readdir(dir)) {
    const size = (await stat(path.join(dir, name))).size;
    total += size;
    if (name.endsWith('.bin')) binary += size;
  }
  return { binary, total };
}

/**
 * HNSW (through our wrapper) against exact search on the same clustered data: build time,
 * size on disk, recall@k and single-thread queries/s per ef, and the cost of the wrapper over
 * calling hnswlib-node directly on the very same graph with the very same queries.
 */
export async function runIndexBench(opts: IndexBenchOptions) {
  const { n, dim, k, progress } = opts;
  let t0 = performance.now();
  const centres = clusterCentres({ dim, clusters: opts.clusters, seed: opts.seed });
  const base = clusteredVectors(centres, { count: n, dim, clusters: opts.clusters, seed: opts.seed + 1 });
  const queryRows = clusteredVectors(centres, { count: opts.queries, dim, clusters: opts.clusters, seed: opts.seed + 2 });
  // hnswlib-node takes plain arrays; both the wrapper and the direct calls get these same ones
  const queries = Array.from({ length: opts.queries }, (_, i) => Array.from(queryRows.subarray(i * dim, (i + 1) * dim)));
  const row = (i: number) => base.subarray(i * dim, (i + 1) * dim);
  progress(`generated ${n} + ${opts.queries} vectors of dimension ${dim} in ${opts.clusters} clusters (${seconds(t0).toFixed(1)} s)`);

  const hnsw = new HnswIndex({ dim, metric: 'cosine', m: opts.m, efConstruction: opts.efConstruction, capacity: n });
  const chunk = 10_000;
  t0 = performance.now();
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    await hnsw.addMany(Array.from({ length: end - start }, (_, j) => ({ id: String(start + j), vector: row(start + j) })));
    progress(`hnsw build (M=${opts.m}, efConstruction=${opts.efConstruction}): ${end}/${n} in ${seconds(t0).toFixed(1)} s`);
  }
  const buildSeconds = seconds(t0);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'affinity-bench-index-'));
  let saveSeconds: number;
  let loadSeconds: number;
  let bytes: { binary: number; total: number };
  try {
    t0 = performance.now();
    await hnsw.save(dir);
    saveSeconds = seconds(t0);
    bytes = await folderBytes(dir);
    t0 = performance.now();
    const loaded = await HnswIndex.load(dir);
    loadSeconds = seconds(t0);
    if (loaded.size !== n) throw new Error(`the loaded index holds ${loaded.size} vectors, not ${n}`);
    await loaded.dispose();
    progress(`saved in ${saveSeconds.toFixed(1)} s (${round(bytes.binary / n)} bytes/vector), loaded and verified in ${loadSeconds.toFixed(1)} s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // exact answers (the ground truth) and the exact search's own speed, on the same data
  const flat = new FlatIndex({ dim, metric: 'cosine', capacity: n });
  await flat.addMany(Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(i) })));
  const truth: Set<string>[] = [];
  const exactRates: number[] = [];
  const slices = Math.min(5, opts.queries);
  for (let s = 0; s < slices; s++) {
    const from = Math.floor((s * opts.queries) / slices);
    const to = Math.floor(((s + 1) * opts.queries) / slices);
    t0 = performance.now();
    for (let i = from; i < to; i++) truth.push(new Set((await flat.search(queries[i]!, k)).map((h) => h.id)));
    exactRates.push((to - from) / seconds(t0));
    progress(`exact search: ${to}/${opts.queries} queries, ${exactRates.at(-1)!.toFixed(1)} queries/s`);
  }
  await flat.dispose();
  const exactQps = median(exactRates);

  // one unmeasured pass first: the first measured ef must not pay for JIT warm-up and cold caches
  for (const q of queries) await hnsw.search(q, k, { ef: opts.efs[0] });
  const rows: EfRow[] = [];
  for (const ef of opts.efs) {
    const rates: number[] = [];
    let hits = 0;
    for (let r = 0; r < Math.max(1, opts.repeat); r++) {
      t0 = performance.now();
      for (let i = 0; i < queries.length; i++) {
        const found = await hnsw.search(queries[i]!, k, { ef });
        if (r === 0) for (const h of found) if (truth[i]!.has(h.id)) hits++;
      }
      rates.push(queries.length / seconds(t0));
    }
    const qps = median(rates);
    rows.push({ ef, recall_at_10: round(hits / (queries.length * k), 4), qps: round(qps), ratio_vs_exact: round(qps / exactQps, 1) });
    progress(`ef=${ef}: recall@${k} ${rows.at(-1)!.recall_at_10}, ${round(qps)} queries/s (passes: ${rates.map((x) => round(x)).join(', ')})`);
  }
  const good = rows.filter((r) => r.recall_at_10 >= RECALL_TARGET);
  const best = good.length ? good.reduce((a, b) => (b.qps > a.qps ? b : a)) : undefined;

  // wrapper vs hnswlib-node on the same graph and queries, interleaved in pairs whose order alternates
  const overheadEf = best?.ef ?? opts.efs.at(-1)!;
  const native = hnsw.nativeForBenchmark();
  // native calls cannot be optimised away, so neither loop needs to consume its results
  const direct = () => {
    native.setEf(overheadEf);
    const t = performance.now();
    for (const q of queries) native.searchKnn(q, k);
    return seconds(t);
  };
  const wrapped = async () => {
    const t = performance.now();
    for (const q of queries) await hnsw.search(q, k, { ef: overheadEf });
    return seconds(t);
  };
  let same = true;
  native.setEf(overheadEf);
  for (const q of queries.slice(0, 50)) {
    const a = native.searchKnn(q, k).neighbors.map(String);
    const b = (await hnsw.search(q, k, { ef: overheadEf })).map((h) => h.id);
    same &&= a.join() === b.join();
  }
  const pairs = Math.max(5, 5 * opts.repeat);
  const ratios: number[] = [];
  const directRates: number[] = [];
  const wrapperRates: number[] = [];
  direct();
  await wrapped();
  for (let p = 0; p < pairs; p++) {
    let d: number;
    let w: number;
    if (p % 2 === 0) {
      d = direct();
      w = await wrapped();
    } else {
      w = await wrapped();
      d = direct();
    }
    ratios.push(w / d);
    directRates.push(queries.length / d);
    wrapperRates.push(queries.length / w);
  }
  const overhead = median(ratios) - 1;
  progress(`wrapper vs direct at ef=${overheadEf}: ${pairs} pairs, overhead ${(overhead * 100).toFixed(1)}% (per pair: ${ratios.map((r) => `${((r - 1) * 100).toFixed(1)}%`).join(', ')})`);
  await hnsw.dispose();

  return {
    n,
    dim,
    queries: opts.queries,
    clusters: opts.clusters,
    k,
    seed: opts.seed,
    machine: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown' },
    params: { m: opts.m, ef_construction: opts.efConstruction, metric: 'cosine' },
    build_seconds: round(buildSeconds, 2),
    build_vectors_per_s: round(n / buildSeconds),
    save_seconds: round(saveSeconds, 2),
    load_seconds: round(loadSeconds, 2),
    bytes_per_vector: round(bytes.binary / n, 1),
    bytes_per_vector_with_manifest: round(bytes.total / n, 1),
    exact_qps: round(exactQps, 1),
    rows,
    ef_at_recall_0_95: best?.ef ?? null,
    qps_at_recall_0_95: best?.qps ?? null,
    ratio_vs_exact: best ? round(best.qps / exactQps, 1) : null,
    wrapper_overhead: round(overhead, 4),
    wrapper: { ef: overheadEf, pairs, direct_qps: round(median(directRates)), wrapper_qps: round(median(wrapperRates)), same_results: same },
    targets: { recall_at_10: RECALL_TARGET, ratio_vs_exact: 20, wrapper_overhead: 0.1 },
  };
}
