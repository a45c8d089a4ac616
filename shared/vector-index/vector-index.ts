/**
 * The contract every vector index backend implements: the embedded HNSW index
 * (`hnsw-index.ts`), the exact brute-force index (`flat-index.ts`) and, later, a client of a
 * distributed vector engine. Callers depend on this interface only; one contract test suite
 * (test/unit/vector-index) runs against every backend.
 *
 * Ids are the caller's strings (item ids, example ids); a backend maps them to whatever it
 * stores internally. Operations that a remote backend would do over the network return
 * promises; `has`, `size` and `dim` are local views.
 */

/**
 * How vectors are compared; every backend reports a similarity, highest first.
 * - `cosine`: score = cos(query, vector) in [-1, 1]. Vectors need not be normalised; a zero
 *   vector scores 0 against everything.
 * - `ip`: score = inner product query · vector (use it for factor models, where the norm
 *   carries meaning).
 */
export type VectorMetric = 'cosine' | 'ip';

/** A vector as callers hold it: a plain array or a typed array. */
export type Vector = ArrayLike<number>;

export interface VectorEntry {
  id: string;
  vector: Vector;
}

export interface SearchHit {
  id: string;
  /** Similarity under the index's metric (see {@link VectorMetric}); higher is closer. */
  score: number;
}

export interface SearchOptions {
  /**
   * Only ids for which this returns true are returned. It must be pure and fast: an HNSW
   * backend calls it for every candidate it visits.
   */
  filter?: (id: string) => boolean;
  /**
   * Breadth of an approximate search (the HNSW `ef`); higher is slower and more exact.
   * Exact backends ignore it.
   * @defaultValue the index's own default
   */
  ef?: number;
}

export interface VectorIndex {
  /** Which backend this is (`hnsw`, `flat`, …), as written in its saved manifest. */
  readonly kind: string;
  readonly dim: number;
  readonly metric: VectorMetric;
  /** Number of live (not removed) ids. */
  readonly size: number;

  has(id: string): boolean;

  /**
   * Inserts a new id. Throws `VECTOR_ID_EXISTS` when the id is already there (use `upsert`
   * to replace), `VECTOR_DIM_MISMATCH` / `VECTOR_NOT_FINITE` for a bad vector.
   */
  add(id: string, vector: Vector): Promise<void>;

  /**
   * Inserts many new ids. The whole batch is checked first: a rejected batch changes nothing.
   * @example await index.addMany(items.map((it) => ({ id: it.id, vector: it.embedding })))
   */
  addMany(entries: Iterable<VectorEntry>): Promise<void>;

  /** Inserts the id, or replaces its vector when it is already there. */
  upsert(id: string, vector: Vector): Promise<void>;

  /** Removes the id; it never comes back from `search`, also after save and load. Returns whether it was there. */
  remove(id: string): Promise<boolean>;

  /**
   * The `k` ids most similar to `query`, highest score first; fewer when the index (or the
   * filter) holds fewer. `k` must be a positive integer.
   * @example const hits = await index.search(userVector, 10, { filter: (id) => inStock.has(id) })
   */
  search(query: Vector, k: number, options?: SearchOptions): Promise<SearchHit[]>;

  /**
   * Writes the index to a folder atomically: a reader sees either the previous complete
   * index or the new one, never a mix. Mutations while a save runs throw `VECTOR_INDEX_BUSY`;
   * searches go on.
   */
  save(dir: string): Promise<void>;

  /** Releases the index's memory; any later call throws `VECTOR_INDEX_DISPOSED`. */
  dispose(): Promise<void>;
}
