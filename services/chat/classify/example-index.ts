import { buildVectorIndex, type VectorIndex } from '../../../shared/vector-index/index.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

export interface KnnOptions {
  /** Neighbours that vote. @defaultValue 10 */
  k?: number;
  /** Softness of the vote: a neighbour at cosine s weighs exp((s − 1) / tau). @defaultValue 0.1 */
  tau?: number;
  /** Dimension of the count sketch that stands for the lexical columns in the index. @defaultValue 1024 */
  sketchDim?: number;
  /** Weight of the (unit) embedding against the (unit) lexical sketch in the index vectors. @defaultValue 1 */
  denseWeight?: number;
}

/** Examples up to this many are searched exactly; beyond, through HNSW. */
const FLAT_LIMIT = 3000;

function mix(c: number): number {
  let h = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function normalizeRange(v: Float32Array, from: number, to: number, weight: number): void {
  let norm = 0;
  for (let k = from; k < to; k++) norm += v[k]! * v[k]!;
  const f = norm > 0 ? weight / Math.sqrt(norm) : 0;
  for (let k = from; k < to; k++) v[k]! *= f;
}

/**
 * The vector of one feature row as the index stores it: the lexical columns (`< lexicalCols`)
 * folded into `sketchDim` signed buckets (a count sketch, which keeps inner products in
 * expectation) and normalised, followed by the dense columns normalised and times
 * `denseWeight`; then L2-normalised as a whole. This puts sparse n-gram evidence and the
 * encoder's embedding into one dense vector that any `VectorIndex` backend can search.
 */
export function exampleVector(x: CsrMatrix, row: number, lexicalCols: number, sketchDim: number, denseWeight = 1): Float32Array {
  const out = new Float32Array(sketchDim + (x.cols - lexicalCols));
  for (let p = x.indptr[row]!; p < x.indptr[row + 1]!; p++) {
    const c = x.indices[p]!;
    if (c < lexicalCols) {
      if (sketchDim === 0) continue;
      const h = mix(c);
      out[h % sketchDim]! += (h & 0x80000000 ? -1 : 1) * x.data[p]!;
    } else out[sketchDim + c - lexicalCols] = x.data[p]!;
  }
  normalizeRange(out, 0, sketchDim, 1);
  normalizeRange(out, sketchDim, out.length, denseWeight);
  let norm = 0;
  for (let k = 0; k < out.length; k++) norm += out[k]! * out[k]!;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < out.length; k++) out[k]! *= inv;
  }
  return out;
}

/**
 * The labelled examples in a vector index, answering with a soft kNN vote over labels.
 * Small sets use the exact flat index, larger ones HNSW (both through `shared/vector-index`).
 * @example const idx = await ExampleIndex.build(vectors, labels, 77); const p = await idx.vote(queryVectors)
 */
export class ExampleIndex {
  private constructor(
    private readonly index: VectorIndex,
    private readonly labels: Int32Array,
    private readonly classes: number,
    private readonly k: number,
    private readonly tau: number,
  ) {}

  static async build(vectors: readonly Float32Array[], labels: Int32Array, classes: number, opts: KnnOptions = {}): Promise<ExampleIndex> {
    const dim = vectors[0]?.length ?? 1;
    // a large HNSW graph is built in a worker thread: loading a model must not stall a serving process
    const index = await buildVectorIndex(
      vectors.length <= FLAT_LIMIT ? { kind: 'flat', dim } : { kind: 'hnsw', dim, m: 16, efConstruction: 100, ef: 64, randomSeed: 100 },
      vectors.map((vector, i) => ({ id: String(i), vector })),
    );
    return new ExampleIndex(index, labels, classes, opts.k ?? 10, opts.tau ?? 0.1);
  }

  get size(): number {
    return this.index.size;
  }

  /** Label distributions (row-major, `classes` columns) of the soft kNN vote for each query. */
  async vote(queries: readonly Float32Array[]): Promise<Float64Array> {
    const C = this.classes;
    const out = new Float64Array(queries.length * C);
    const k = Math.min(this.k, this.index.size);
    if (k === 0) return out.fill(1 / C);
    for (let q = 0; q < queries.length; q++) {
      const hits = await this.index.search(queries[q]!, k);
      let total = 0;
      for (const h of hits) {
        const w = Math.exp((h.score - 1) / this.tau);
        out[q * C + this.labels[Number(h.id)]!]! += w;
        total += w;
      }
      for (let c = 0; c < C; c++) out[q * C + c] = total > 0 ? out[q * C + c]! / total : 1 / C;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.index.dispose();
  }
}
