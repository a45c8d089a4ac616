// Runs in a worker thread (see buildVectorIndex): builds an HNSW index and saves it to a folder
// the calling thread then loads. hnswlib's inserts are synchronous, and a large build would
// otherwise hold the caller's event loop for as long as it takes.
import { HnswIndex, type HnswIndexOptions } from './hnsw-index.ts';

export interface HnswBuildArgs {
  options: HnswIndexOptions;
  ids: string[];
  /** Row-major ids.length × options.dim. */
  vectors: Float32Array;
  dir: string;
}

export async function buildHnswFolder(args: HnswBuildArgs): Promise<{ size: number }> {
  const dim = args.options.dim;
  const index = new HnswIndex({ ...args.options, capacity: Math.max(1, args.ids.length) });
  try {
    await index.addMany(args.ids.map((id, i) => ({ id, vector: args.vectors.subarray(i * dim, (i + 1) * dim) })));
    await index.save(args.dir);
    return { size: index.size };
  } finally {
    await index.dispose();
  }
}
