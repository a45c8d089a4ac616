import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { appError } from '../errors/index.ts';
import { writeFileDurably } from '../fs/write-file-durably.ts';
import { corrupt, readIndexFolder, writeIndexFolder } from './index-files.ts';
import { IndexLifecycle } from './index-lifecycle.ts';
import { TopK } from './top-k.ts';
import type { SearchHit, SearchOptions, Vector, VectorEntry, VectorIndex, VectorMetric } from './vector-index.ts';
import { checkDim, checkId, checkK, checkMetric, checkPositiveInt, checkVector, copyVector, checkNewEntries } from './vector-input.ts';

export interface FlatIndexOptions {
  dim: number;
  /** @defaultValue 'cosine' */
  metric?: VectorMetric;
  /** Rows allocated up front; the index doubles its storage when full. @defaultValue 1024 */
  capacity?: number;
}

/**
 * Exact search by scanning every vector: the answer HNSW is measured against (recall ground
 * truth), and the right backend for small sets (a few thousand FAQ entries or labelled
 * utterances), where it is fast enough and never misses.
 *
 * Vectors live in one contiguous Float32Array, one row each, normalised on insert under the
 * cosine metric so a score is a single dot product. Removal moves the last row into the hole,
 * so the scan never skips tombstones.
 *
 * @example
 * const index = new FlatIndex({ dim: 384 });
 * await index.add('faq-12', embedding);
 * const [best] = await index.search(queryEmbedding, 1);
 */
export class FlatIndex implements VectorIndex {
  readonly kind = 'flat';
  readonly dim: number;
  readonly metric: VectorMetric;
  private data: Float32Array;
  private ids: string[] = [];
  private rowOf = new Map<string, number>();
  private readonly query: Float32Array;
  private readonly life = new IndexLifecycle('flat');

  constructor(options: FlatIndexOptions) {
    checkDim(options.dim);
    const metric = options.metric ?? 'cosine';
    checkMetric(metric);
    const capacity = options.capacity ?? 1024;
    checkPositiveInt('capacity', capacity);
    this.dim = options.dim;
    this.metric = metric;
    this.data = new Float32Array(capacity * this.dim);
    this.query = new Float32Array(this.dim);
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  async add(id: string, vector: Vector): Promise<void> {
    await this.addMany([{ id, vector }]);
  }

  async addMany(entries: Iterable<VectorEntry>): Promise<void> {
    this.life.assertWritable();
    const batch = [...entries];
    checkNewEntries(batch, (id) => this.rowOf.has(id), this.dim);
    this.reserve(this.ids.length + batch.length);
    for (const { id, vector } of batch) this.put(this.ids.length, id, vector);
  }

  async upsert(id: string, vector: Vector): Promise<void> {
    this.life.assertWritable();
    checkId(id);
    checkVector(vector, this.dim, `vector (id "${id}")`);
    const row = this.rowOf.get(id);
    if (row === undefined) this.reserve(this.ids.length + 1);
    this.put(row ?? this.ids.length, id, vector);
  }

  async remove(id: string): Promise<boolean> {
    this.life.assertWritable();
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      const moved = this.ids[last] as string;
      this.data.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
    return true;
  }

  async search(query: Vector, k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.life.assertReadable();
    checkK(k);
    checkVector(query, this.dim, 'query');
    const n = this.ids.length;
    if (n === 0) return [];
    const q = this.query;
    copyVector(query, q, 0, this.dim, this.metric === 'cosine');
    const top = new TopK(Math.min(k, n));
    const filter = options.filter;
    const { data, dim, ids } = this;
    const tail = dim - (dim % 4);
    for (let r = 0, off = 0; r < n; r++, off += dim) {
      // four accumulators break the add dependency chain; V8 keeps them in registers
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < tail; i += 4) {
        const o = off + i;
        s0 += (q[i] as number) * (data[o] as number);
        s1 += (q[i + 1] as number) * (data[o + 1] as number);
        s2 += (q[i + 2] as number) * (data[o + 2] as number);
        s3 += (q[i + 3] as number) * (data[o + 3] as number);
      }
      for (; i < dim; i++) s0 += (q[i] as number) * (data[off + i] as number);
      const s = s0 + s1 + (s2 + s3);
      if (s > top.worst && (filter === undefined || filter(ids[r] as string))) top.insert(s, r);
    }
    const hits: SearchHit[] = new Array(top.count);
    for (let i = 0; i < top.count; i++) hits[i] = { id: ids[top.rows[i] as number] as string, score: top.scores[i] as number };
    return hits;
  }

  async save(dir: string): Promise<void> {
    await this.life.whileSaving(() => {
      // taken now: changes are refused until the save ends, and a dispose meanwhile replaces these
      // fields rather than clearing what the save holds
      const ids = this.ids;
      const rows = new Uint8Array(this.data.buffer, this.data.byteOffset, ids.length * this.dim * 4);
      const fields = { kind: this.kind, dim: this.dim, metric: this.metric, size: ids.length, endianness: os.endianness(), ids };
      return writeIndexFolder(dir, fields, (file) => writeFileDurably(file, rows));
    });
  }

  /**
   * Opens a flat index saved with `save`. Throws `VECTOR_INDEX_NOT_FOUND` or
   * `VECTOR_INDEX_CORRUPT` (damaged binary, inconsistent manifest).
   */
  static async load(dir: string): Promise<FlatIndex> {
    const { manifest, binaryPath } = await readIndexFolder(dir);
    if (manifest.kind !== 'flat') corrupt(dir, `it holds a "${manifest.kind}" index, not a flat one`);
    if (manifest.endianness !== os.endianness()) corrupt(dir, `it was written on a ${String(manifest.endianness)} machine`);
    const ids = manifest.ids;
    if (!Array.isArray(ids) || ids.length !== manifest.size || !ids.every((id) => typeof id === 'string' && id.length > 0)) corrupt(dir, 'ids do not match its size');
    if (manifest.binary.bytes !== manifest.size * manifest.dim * 4) corrupt(dir, `${manifest.binary.bytes} bytes cannot hold ${manifest.size} vectors of ${manifest.dim} floats`);
    const index = new FlatIndex({ dim: manifest.dim, metric: manifest.metric, capacity: Math.max(1, manifest.size) });
    const bytes = await readFile(binaryPath);
    new Uint8Array(index.data.buffer, 0, bytes.length).set(bytes);
    index.ids = ids as string[];
    index.ids.forEach((id, row) => index.rowOf.set(id, row));
    if (index.rowOf.size !== index.ids.length) corrupt(dir, 'ids repeat');
    return index;
  }

  async dispose(): Promise<void> {
    if (!this.life.markDisposed()) return;
    this.data = new Float32Array(0);
    this.ids = [];
    this.rowOf.clear();
  }

  private reserve(rows: number): void {
    const capacity = this.data.length / this.dim;
    if (rows <= capacity) return;
    const grown = new Float32Array(Math.max(rows, capacity * 2) * this.dim);
    grown.set(this.data.subarray(0, this.ids.length * this.dim));
    this.data = grown;
  }

  private put(row: number, id: string, vector: Vector): void {
    copyVector(vector, this.data, row * this.dim, this.dim, this.metric === 'cosine');
    if (row === this.ids.length) {
      this.ids.push(id);
      this.rowOf.set(id, row);
    }
  }
}
