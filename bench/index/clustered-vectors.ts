/**
 * Seeded synthetic embeddings: a mixture of Gaussian clusters on the unit sphere.
 *
 * Real sentence embeddings are not uniform: items gather by topic (a shop's categories) and a
 * query lands among its topic's items. Uniform random vectors would make every neighbour
 * equally far (the hardest, least realistic case for HNSW), and tight clusters would make
 * search trivial. Here each cluster centre has N(0, 1) components and each point adds N(0, 1)
 * noise per component before normalisation, so a point has cosine ≈ 0.71 with its centre,
 * ≈ 0.5 with a random member of its own cluster and ≈ 0 with other clusters.
 */
export interface ClusteredVectorsOptions {
  count: number;
  dim: number;
  clusters: number;
  seed: number;
}

/** mulberry32 */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws, two per Box–Muller step. */
function gaussian(rnd: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * rnd();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

/** Cluster centres for a data set; base vectors and queries drawn with different seeds share them. */
export function clusterCentres(opts: Omit<ClusteredVectorsOptions, 'count'>): Float32Array {
  const g = gaussian(seededRandom(opts.seed));
  const centres = new Float32Array(opts.clusters * opts.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = g();
  return centres;
}

/** `count` unit vectors (row-major, `count × dim`) drawn from the mixture around `centres`. */
export function clusteredVectors(centres: Float32Array, opts: ClusteredVectorsOptions): Float32Array {
  const { count, dim, clusters } = opts;
  const rnd = seededRandom(opts.seed);
  const g = gaussian(rnd);
  const out = new Float32Array(count * dim);
  const row = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    const c = Math.floor(rnd() * clusters) * dim;
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const x = (centres[c + i] as number) + g();
      row[i] = x;
      norm += x * x;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dim; i++) out[r * dim + i] = (row[i] as number) * scale;
  }
  return out;
}
