// Public surface of the vector index kernel: the interface, its two local backends, the live
// index holder, and opening whatever kind of index a folder holds.
import { readManifest } from './index-files.ts';
import { FlatIndex, type FlatIndexOptions } from './flat-index.ts';
import { HnswIndex, type HnswIndexOptions } from './hnsw-index.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VectorEntry, VectorIndex } from './vector-index.ts';
import type { HnswBuildArgs } from './hnsw-build.task.ts';
import { appError } from '../errors/index.ts';
import { runInThread } from '../queues/run-in-thread.ts';
import { checkNewEntries } from './vector-input.ts';

export type { SearchHit, SearchOptions, Vector, VectorEntry, VectorIndex, VectorMetric } from './vector-index.ts';
export { FlatIndex, type FlatIndexOptions } from './flat-index.ts';
export { HnswIndex, type HnswIndexOptions } from './hnsw-index.ts';
export { IndexHolder, type IndexHolderOptions } from './index-holder.ts';

export type VectorIndexOptions = ({ kind: 'hnsw' } & HnswIndexOptions) | ({ kind: 'flat' } & FlatIndexOptions);

/**
 * A new empty index of the given kind.
 * @example const index = createVectorIndex({ kind: itemCount < 5000 ? 'flat' : 'hnsw', dim: 384 })
 */
export function createVectorIndex(options: VectorIndexOptions): VectorIndex {
  return options.kind === 'hnsw' ? new HnswIndex(options) : new FlatIndex(options);
}

/** Entries from which {@link buildVectorIndex} builds an HNSW graph in a worker thread. */
export const THREAD_BUILD_MIN = 2000;

/**
 * A new index holding `entries`. An HNSW graph of {@link THREAD_BUILD_MIN} entries or more is
 * built in a worker thread and handed back through a temporary folder (save, then load), so
 * the caller's event loop goes on serving meanwhile: building the kNN graph of 10,000–30,000
 * labelled utterances takes tens of seconds. The result is the same graph as a build here.
 * @example const index = await buildVectorIndex({ kind: 'hnsw', dim: 384, randomSeed: 100 }, entries)
 */
export async function buildVectorIndex(options: VectorIndexOptions, entries: readonly VectorEntry[]): Promise<VectorIndex> {
  if (options.kind === 'flat' || entries.length < THREAD_BUILD_MIN) {
    const index = createVectorIndex({ ...options, capacity: Math.max(1, entries.length) });
    await index.addMany(entries);
    return index;
  }
  const { kind: _kind, ...hnsw } = options;
  const dim = hnsw.dim;
  const vectors = new Float32Array(entries.length * dim);
  // checked here, before a thread starts: bad input fails as it would in place
  checkNewEntries(entries, () => false, dim);
  entries.forEach((e, i) => vectors.set(e.vector, i * dim));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'affinity-hnsw-'));
  try {
    const dir = path.join(tmp, 'index');
    const args: HnswBuildArgs = { options: hnsw, ids: entries.map((e) => e.id), vectors, dir };
    await runInThread(new URL('./hnsw-build.task.ts', import.meta.url), 'buildHnswFolder', args);
    return await HnswIndex.load(dir, { ef: hnsw.ef });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Opens the index saved in `dir`, whichever backend wrote it. Throws `VECTOR_INDEX_NOT_FOUND`
 * or `VECTOR_INDEX_CORRUPT`.
 */
export async function loadVectorIndex(dir: string, options: { ef?: number } = {}): Promise<VectorIndex> {
  const manifest = await readManifest(dir);
  if (manifest.kind === 'hnsw') return HnswIndex.load(dir, options);
  if (manifest.kind === 'flat') return FlatIndex.load(dir);
  throw appError('VECTOR_INDEX_CORRUPT', `the index in ${dir} is of unknown kind "${manifest.kind}"`, { dir });
}
