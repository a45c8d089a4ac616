// Public surface of the vector index kernel: the interface, its two local backends, the live
// index holder, and opening whatever kind of index a folder holds.
import { readManifest } from './index-files.ts';
import { FlatIndex, type FlatIndexOptions } from './flat-index.ts';
import { HnswIndex, type HnswIndexOptions } from './hnsw-index.ts';
import type { VectorIndex } from './vector-index.ts';
import { appError } from '../errors/index.ts';

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
