import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import { lastTimestamp, type UserHistory } from './user-history.ts';

/** Options of {@link ContentSimilarityModel}. */
export interface ContentSimilarityOptions {
  /**
   * Half-life, in days before the history's latest interaction, of an item's weight in the taste
   * vector; Infinity weighs all history items alike.
   * @defaultValue 30
   */
  recencyHalfLifeDays?: number;
}

/**
 * Scores from item vectors (text embeddings, genre one-hots…): the user's taste vector is the
 * recency-weighted mean of their items' vectors (L2-normalised rows), and every item scores its
 * dot product with it. Needs no interactions on the scored item, so it reaches cold items.
 *
 * @example const content = ContentSimilarityModel.fromVectors(vectors, dim); content.score(history, out);
 */
export class ContentSimilarityModel implements CandidateSource {
  readonly name = 'content';
  /**
   * The non-zero entries of `vectors` by row (CSR), when they are at most a quarter of it, as
   * multi-hot side features are (a few genres or categories out of up to 1,024 columns): scoring
   * then costs the non-zeros rather than items × dimension.
   */
  private readonly sparse: { indptr: Int32Array; columns: Int32Array; values: Float32Array } | undefined;

  constructor(
    readonly numItems: number,
    readonly dimension: number,
    /** Row-major numItems × dimension, each row of unit length (or zero for an item without content). */
    readonly vectors: Float32Array,
    readonly params: { recencyHalfLifeDays: number },
  ) {
    if (vectors.length !== numItems * dimension) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'content vectors are not numItems × dimension');
    this.sparse = sparseRows(vectors, numItems, dimension);
  }

  /** Copies and L2-normalises the rows of `vectors` (numItems × dimension, row-major). */
  static fromVectors(vectors: Float32Array, dimension: number, options: ContentSimilarityOptions = {}): ContentSimilarityModel {
    if (dimension <= 0 || vectors.length % dimension !== 0) {
      throw appError('VALIDATION_FAILED', `content vectors of length ${vectors.length} do not split into rows of ${dimension}`);
    }
    const v = Float32Array.from(vectors);
    const n = v.length / dimension;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let x = 0; x < dimension; x++) s += v[i * dimension + x]! ** 2;
      if (s > 0) {
        const inv = 1 / Math.sqrt(s);
        for (let x = 0; x < dimension; x++) v[i * dimension + x] = v[i * dimension + x]! * inv;
      }
    }
    return new ContentSimilarityModel(n, dimension, v, { recencyHalfLifeDays: options.recencyHalfLifeDays ?? 30 });
  }

  static fromParts(parts: SourceParts): ContentSimilarityModel {
    const v = parts.arrays.vectors;
    if (!(v instanceof Float32Array)) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'content vectors missing');
    const half = parts.params.recencyHalfLifeDays;
    return new ContentSimilarityModel(Number(parts.params.numItems), Number(parts.params.dimension), v, {
      recencyHalfLifeDays: half === null || half === undefined ? Infinity : Number(half),
    });
  }

  /** The recency-weighted mean of the history's item vectors. */
  taste(history: UserHistory): Float64Array {
    const d = this.dimension;
    const t = new Float64Array(d);
    const last = lastTimestamp(history);
    const half = this.params.recencyHalfLifeDays;
    const perSecond = last !== undefined && Number.isFinite(half) ? Math.LN2 / (half * 86400) : 0;
    let total = 0;
    for (let h = 0; h < history.items.length; h++) {
      const age = last === undefined ? 0 : Math.max(0, last - history.timestamps[h]!);
      const w = history.weights[h]! * Math.exp(-age * perSecond);
      const o = history.items[h]! * d;
      for (let x = 0; x < d; x++) t[x]! += w * this.vectors[o + x]!;
      total += w;
    }
    if (total > 0) for (let x = 0; x < d; x++) t[x] = t[x]! / total;
    return t;
  }

  score(history: UserHistory, out: Float32Array): void {
    this.scoreVector(this.taste(history), out);
  }

  /** Dot product of every item's vector with `query` (a taste vector or an item's own vector). */
  scoreVector(query: ArrayLike<number>, out: Float32Array): void {
    if (this.sparse) {
      const { indptr, columns, values } = this.sparse;
      for (let i = 0; i < this.numItems; i++) {
        let s = 0;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) s += values[p]! * query[columns[p]!]!;
        out[i] = s;
      }
      return;
    }
    const d = this.dimension;
    for (let i = 0; i < this.numItems; i++) {
      let s = 0;
      const o = i * d;
      for (let x = 0; x < d; x++) s += this.vectors[o + x]! * query[x]!;
      out[i] = s;
    }
  }

  toParts(): SourceParts {
    const half = Number.isFinite(this.params.recencyHalfLifeDays) ? this.params.recencyHalfLifeDays : null;
    return {
      kind: 'content',
      params: { numItems: this.numItems, dimension: this.dimension, recencyHalfLifeDays: half },
      arrays: { vectors: this.vectors },
    };
  }
}

/** The rows' non-zero entries in CSR form, or undefined when more than a quarter are non-zero. */
function sparseRows(vectors: Float32Array, rows: number, dimension: number): { indptr: Int32Array; columns: Int32Array; values: Float32Array } | undefined {
  let nnz = 0;
  for (let k = 0; k < vectors.length; k++) if (vectors[k] !== 0) nnz++;
  if (nnz > vectors.length / 4) return undefined;
  const indptr = new Int32Array(rows + 1);
  const columns = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    indptr[i] = p;
    for (let x = 0; x < dimension; x++) {
      const v = vectors[i * dimension + x]!;
      if (v === 0) continue;
      columns[p] = x;
      values[p++] = v;
    }
  }
  indptr[rows] = p;
  return { indptr, columns, values };
}
