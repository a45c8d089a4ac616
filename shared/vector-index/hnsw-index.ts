// The only file that imports hnswlib-node. Everything else uses the VectorIndex interface.
import hnswlib from 'hnswlib-node';
import { appError } from '../errors/index.ts';
import { corrupt, readIndexFolder, writeIndexFolder } from './index-files.ts';
import { IndexLifecycle } from './index-lifecycle.ts';
import type { SearchHit, SearchOptions, Vector, VectorEntry, VectorIndex, VectorMetric } from './vector-index.ts';
import { checkDim, checkId, checkK, checkMetric, checkPositiveInt, checkVector, checkNewEntries } from './vector-input.ts';

type NativeIndex = InstanceType<typeof hnswlib.HierarchicalNSW>;

export interface HnswIndexOptions {
  dim: number;
  /** @defaultValue 'cosine' */
  metric?: VectorMetric;
  /** Graph degree (links per node per layer); memory grows with it. @defaultValue 16 */
  m?: number;
  /** Candidate list size while building; higher builds slower and a better graph. @defaultValue 200 */
  efConstruction?: number;
  /** Candidate list size of a search unless the call says otherwise (`SearchOptions.ef`). @defaultValue 64 */
  ef?: number;
  /** Slots allocated up front; the index doubles them when full. @defaultValue 1024 */
  capacity?: number;
  /** Seed of the level generator, for reproducible graphs. @defaultValue 100 */
  randomSeed?: number;
}

/** The raw library calls the benchmark compares our wrapper against; see {@link HnswIndex.nativeForBenchmark}. */
export interface NativeKnn {
  setEf(ef: number): void;
  searchKnn(query: number[], k: number, filter?: (label: number) => boolean): { distances: number[]; neighbors: number[] };
}

interface Params {
  m: number;
  efConstruction: number;
  ef: number;
  randomSeed: number;
}

/** Longest stretch of inserts before `addMany` lets the event loop run. */
const SLICE_MS = 10;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** hnswlib takes plain arrays only (it rejects typed arrays). */
const toArray = (v: Vector): number[] => (Array.isArray(v) ? (v as number[]) : Array.from(v));

/**
 * Approximate nearest-neighbour search over an HNSW graph (hnswlib through hnswlib-node).
 *
 * Scores: hnswlib's `cosine` space returns the distance 1 − cos (it normalises vectors on
 * insert and queries on search) and its `ip` space 1 − q·v; both become `score = 1 − distance`,
 * i.e. the cosine similarity or the inner product.
 *
 * Ids map to hnswlib's integer labels. A removed id's label is marked deleted (hnswlib never
 * returns it) and reused by the next new id, which overwrites the deleted slot in place, so a
 * catalog that churns does not grow the graph. Rebuild from scratch (nightly) to drop the
 * tombstones' effect on the graph.
 *
 * hnswlib-node's addPoint and searchKnn are synchronous, so they run on the caller's thread:
 * a search is one uninterrupted call, but a large `addMany` (building an index of 10,000
 * examples can take tens of seconds) gives the event loop back every {@link SLICE_MS} ms, so
 * a process serving requests while it builds or loads an index keeps answering. Mutations
 * (add, upsert, remove) run one at a time, in call order; searches never wait and may see a
 * batch being added partly added; a save refuses to start while a change is under way
 * (`VECTOR_INDEX_BUSY`), as changes are refused while a save runs. Save and load use its
 * background-thread writer and reader.
 *
 * @example
 * const index = new HnswIndex({ dim: 384, m: 16, efConstruction: 200 });
 * await index.addMany(items.map((it) => ({ id: it.id, vector: it.embedding })));
 * const hits = await index.search(query, 10, { ef: 64, filter: (id) => inStock.has(id) });
 */
export class HnswIndex implements VectorIndex {
  readonly kind = 'hnsw';
  readonly dim: number;
  readonly metric: VectorMetric;
  readonly params: Readonly<Params>;
  private native: NativeIndex;
  /** label → id; null for a deleted label waiting for reuse. Its length is hnswlib's element count. */
  private labels: (string | null)[] = [];
  private labelOf = new Map<string, number>();
  private free: number[] = [];
  private readonly life = new IndexLifecycle('hnsw');

  constructor(options: HnswIndexOptions) {
    this.dim = options.dim;
    this.metric = options.metric ?? 'cosine';
    this.params = HnswIndex.params(options);
    const capacity = options.capacity ?? 1024;
    checkPositiveInt('capacity', capacity);
    this.native = new hnswlib.HierarchicalNSW(this.metric, this.dim);
    this.native.initIndex({ maxElements: capacity, m: this.params.m, efConstruction: this.params.efConstruction, randomSeed: this.params.randomSeed });
  }

  private static params(options: HnswIndexOptions): Params {
    checkDim(options.dim);
    checkMetric(options.metric ?? 'cosine');
    const p = { m: options.m ?? 16, efConstruction: options.efConstruction ?? 200, ef: options.ef ?? 64, randomSeed: options.randomSeed ?? 100 };
    checkPositiveInt('m', p.m, 256);
    checkPositiveInt('efConstruction', p.efConstruction, 100_000);
    checkPositiveInt('ef', p.ef, 100_000);
    if (!Number.isInteger(p.randomSeed) || p.randomSeed < 0) throw appError('VALIDATION_FAILED', 'randomSeed must be a non-negative integer');
    return p;
  }

  get size(): number {
    return this.labelOf.size;
  }

  /** Slots hnswlib has allocated (it grows them itself when full). */
  get capacity(): number {
    return this.native.getMaxElements();
  }

  has(id: string): boolean {
    return this.labelOf.has(id);
  }

  async add(id: string, vector: Vector): Promise<void> {
    await this.addMany([{ id, vector }]);
  }

  /** Runs a mutation after those called before it have finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.pendingWrites++;
    const run = this.writes.then(fn);
    this.writes = run.then(
      () => void this.pendingWrites--,
      () => void this.pendingWrites--,
    );
    return run;
  }

  private writes: Promise<void> = Promise.resolve();
  private pendingWrites = 0;

  async addMany(entries: Iterable<VectorEntry>): Promise<void> {
    const batch = [...entries];
    return this.exclusive(async () => {
      this.life.assertWritable();
      checkNewEntries(batch, (id) => this.labelOf.has(id), this.dim);
      this.reserve(batch.length);
      let sliceStart = performance.now();
      for (let i = 0; i < batch.length; i++) {
        this.insertNew(batch[i]!.id, toArray(batch[i]!.vector));
        if (i + 1 < batch.length && performance.now() - sliceStart > SLICE_MS) {
          await yieldToEventLoop();
          // disposed meanwhile: stop (its memory is gone)
          this.life.assertWritable();
          sliceStart = performance.now();
        }
      }
    });
  }

  async upsert(id: string, vector: Vector): Promise<void> {
    checkId(id);
    checkVector(vector, this.dim, `vector (id "${id}")`);
    return this.exclusive(async () => {
      this.life.assertWritable();
      const label = this.labelOf.get(id);
      if (label !== undefined) {
        // hnswlib updates an existing label's vector in place and repairs its links
        this.native.addPoint(toArray(vector), label);
        return;
      }
      this.reserve(1);
      this.insertNew(id, toArray(vector));
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      this.life.assertWritable();
      const label = this.labelOf.get(id);
      if (label === undefined) return false;
      this.native.markDelete(label);
      this.labelOf.delete(id);
      this.labels[label] = null;
      this.free.push(label);
      return true;
    });
  }

  async search(query: Vector, k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.life.assertReadable();
    checkK(k);
    checkVector(query, this.dim, 'query');
    const ef = options.ef ?? this.params.ef;
    if (options.ef !== undefined) checkPositiveInt('ef', ef, 100_000);
    const size = this.labelOf.size;
    if (size === 0) return [];
    const native = this.native;
    // ef is state of the native index; setting it on every call keeps calls independent
    native.setEf(ef);
    const q = toArray(query);
    const kk = Math.min(k, size);
    const labels = this.labels;
    let result: { distances: number[]; neighbors: number[] };
    const filter = options.filter;
    if (filter === undefined) {
      result = native.searchKnn(q, kk);
    } else {
      // an exception must not cross the native frame: keep it and rethrow after the search
      let thrown: { err: unknown } | undefined;
      result = native.searchKnn(q, kk, (label) => {
        const id = labels[label];
        if (id == null || thrown) return false;
        try {
          return Boolean(filter(id));
        } catch (err) {
          thrown = { err };
          return false;
        }
      });
      if (thrown) throw thrown.err;
    }
    const { distances, neighbors } = result;
    const hits: SearchHit[] = [];
    for (let i = 0; i < neighbors.length; i++) {
      const id = labels[neighbors[i] as number];
      // hnswlib never returns a deleted label; a null here would be a bug, and must not leak
      if (id != null) hits.push({ id, score: 1 - (distances[i] as number) });
    }
    return hits;
  }

  async save(dir: string): Promise<void> {
    // the local reference keeps the native index alive while its background writer reads it
    const native = this.native;
    this.life.assertWritable();
    if (this.pendingWrites > 0) throw appError('VECTOR_INDEX_BUSY', 'this hnsw index is being changed; retry the save when the change is done');
    await this.life.whileSaving(() =>
      writeIndexFolder(
        dir,
        {
          kind: this.kind,
          dim: this.dim,
          metric: this.metric,
          size: this.size,
          params: this.params,
          capacity: native.getMaxElements(),
          labels: this.labels,
          deleted: this.free,
        },
        async (file) => {
          await native.writeIndex(file);
        },
      ),
    );
  }

  /**
   * Opens an HNSW index saved with `save`; `options.ef` overrides the saved default search ef.
   * Throws `VECTOR_INDEX_NOT_FOUND` or `VECTOR_INDEX_CORRUPT` (damaged binary, inconsistent manifest).
   */
  static async load(dir: string, options: { ef?: number } = {}): Promise<HnswIndex> {
    const { manifest, binaryPath } = await readIndexFolder(dir);
    if (manifest.kind !== 'hnsw') corrupt(dir, `it holds a "${manifest.kind}" index, not an hnsw one`);
    const saved = (manifest.params ?? {}) as Partial<Params>;
    const labels = manifest.labels as unknown;
    const deleted = manifest.deleted as unknown;
    if (!Array.isArray(labels) || !labels.every((l) => l === null || (typeof l === 'string' && l.length > 0))) corrupt(dir, 'labels are not a list of ids');
    if (!Array.isArray(deleted) || !deleted.every((l) => Number.isInteger(l) && labels[l as number] === null)) corrupt(dir, 'deleted labels do not match the label list');
    let index: HnswIndex;
    try {
      index = new HnswIndex({ dim: manifest.dim, metric: manifest.metric, ...saved, ef: options.ef ?? saved.ef, capacity: 1 });
    } catch (err) {
      throw appError('VECTOR_INDEX_CORRUPT', `the parameters in ${dir} are not valid`, { dir }, err);
    }
    try {
      await index.native.readIndex(binaryPath);
    } catch (err) {
      throw appError('VECTOR_INDEX_CORRUPT', `hnswlib could not read ${binaryPath}`, { dir }, err);
    }
    const native = index.native;
    if (native.getNumDimensions() !== manifest.dim) corrupt(dir, `the binary has dimension ${native.getNumDimensions()}, the manifest ${manifest.dim}`);
    if (native.getCurrentCount() !== labels.length) corrupt(dir, `the binary holds ${native.getCurrentCount()} elements, the manifest ${labels.length} labels`);
    index.labels = labels as (string | null)[];
    index.labels.forEach((id, label) => {
      if (id !== null) index.labelOf.set(id, label);
    });
    index.free = [...(deleted as number[])];
    if (index.labelOf.size !== manifest.size || index.labelOf.size + index.free.length !== labels.length) corrupt(dir, 'ids repeat or do not match its size');
    return index;
  }

  async dispose(): Promise<void> {
    if (!this.life.markDisposed()) return;
    // hnswlib-node frees the graph when its object is collected: drop every reference to it
    this.native = undefined as unknown as NativeIndex;
    this.labels = [];
    this.labelOf.clear();
    this.free = [];
  }

  /**
   * The underlying hnswlib calls, for the benchmark that measures this wrapper's overhead
   * against the library on the very same graph. Labels are this index's internal ints; no
   * validation, no id mapping. Not for application code.
   */
  nativeForBenchmark(): NativeKnn {
    this.life.assertReadable();
    return this.native;
  }

  /** Makes room for `more` new ids: reused deleted labels first, then fresh slots (doubling). */
  private reserve(more: number): void {
    const fresh = more - this.free.length;
    if (fresh <= 0) return;
    const needed = this.labels.length + fresh;
    const capacity = this.native.getMaxElements();
    if (needed > capacity) this.native.resizeIndex(Math.max(needed, capacity * 2));
  }

  private insertNew(id: string, vector: number[]): void {
    const label = this.free.pop() ?? this.labels.length;
    // a reused label is marked deleted: hnswlib's addPoint unmarks it and overwrites its vector
    this.native.addPoint(vector, label);
    this.labels[label] = id;
    this.labelOf.set(id, label);
  }
}
