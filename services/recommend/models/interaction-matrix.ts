import { appError } from '../../../shared/errors/index.ts';
import type { UserHistory } from './user-history.ts';

/** One user-item interaction; a rating, a view or a purchase, already mapped to a weight. */
export interface Interaction {
  userId: string;
  itemId: string;
  /** Strength of the interaction (1 for implicit feedback; the rating, a purchase weight…). */
  weight: number;
  /** Unix time in seconds. */
  timestamp: number;
}

/** Options of {@link InteractionMatrix.fromInteractions}. */
export interface InteractionMatrixOptions {
  /**
   * The item catalogue, in index order: items without interactions still get an index (and can be
   * recommended by content or popularity), and interactions on items not listed are dropped.
   * @defaultValue the items of the interactions, in order of first appearance
   */
  itemIds?: readonly string[];
  /**
   * How repeated (user, item) pairs combine: the weights are summed, or the largest is kept. The
   * timestamp kept is always the latest.
   * @defaultValue 'sum'
   */
  duplicates?: 'sum' | 'max';
}

/**
 * A sparse users × items matrix in CSR form (row pointers, column indices sorted within each row,
 * Float32 weights, Float64 timestamps), with the string ids of rows and columns. About 16 bytes
 * per interaction; rows are contiguous, so a user's history is a pair of subarray views.
 *
 * @example const m = InteractionMatrix.fromInteractions([{ userId: 'u1', itemId: 'i9', weight: 1, timestamp: 0 }]);
 */
export class InteractionMatrix {
  private userLookup: Map<string, number> | undefined;
  private itemLookup: Map<string, number> | undefined;

  constructor(
    readonly userIds: readonly string[],
    readonly itemIds: readonly string[],
    /** Row start offsets, length numUsers + 1. */
    readonly indptr: Int32Array,
    /** Item index of each stored entry. */
    readonly indices: Int32Array,
    readonly values: Float32Array,
    readonly timestamps: Float64Array,
  ) {
    if (indptr.length !== userIds.length + 1 || indices.length !== values.length || values.length !== timestamps.length) {
      throw appError('VALIDATION_FAILED', 'inconsistent CSR arrays');
    }
  }

  get numUsers(): number {
    return this.userIds.length;
  }

  get numItems(): number {
    return this.itemIds.length;
  }

  get nnz(): number {
    return this.indices.length;
  }

  static fromInteractions(interactions: Iterable<Interaction>, options: InteractionMatrixOptions = {}): InteractionMatrix {
    const itemIndex = new Map<string, number>();
    const itemIds: string[] = [];
    const fixedCatalogue = options.itemIds !== undefined;
    for (const id of options.itemIds ?? []) {
      if (!itemIndex.has(id)) {
        itemIndex.set(id, itemIds.length);
        itemIds.push(id);
      }
    }
    const userIndex = new Map<string, number>();
    const userIds: string[] = [];
    // First pass into growable typed arrays (no object per interaction kept).
    let cap = 1024;
    let rows = new Int32Array(cap);
    let cols = new Int32Array(cap);
    let vals = new Float32Array(cap);
    let times = new Float64Array(cap);
    let n = 0;
    for (const it of interactions) {
      let c = itemIndex.get(it.itemId);
      if (c === undefined) {
        if (fixedCatalogue) continue;
        c = itemIds.length;
        itemIndex.set(it.itemId, c);
        itemIds.push(it.itemId);
      }
      let r = userIndex.get(it.userId);
      if (r === undefined) {
        r = userIds.length;
        userIndex.set(it.userId, r);
        userIds.push(it.userId);
      }
      if (n === cap) {
        cap *= 2;
        rows = grow(rows, cap);
        cols = grow(cols, cap);
        vals = grow(vals, cap);
        times = grow(times, cap);
      }
      rows[n] = r;
      cols[n] = c;
      vals[n] = it.weight;
      times[n] = it.timestamp;
      n++;
    }
    const m = fromTriplets(userIds, itemIds, rows.subarray(0, n), cols.subarray(0, n), vals.subarray(0, n), times.subarray(0, n), options.duplicates ?? 'sum');
    m.userLookup = userIndex;
    m.itemLookup = itemIndex;
    return m;
  }

  userIndex(id: string): number | undefined {
    this.userLookup ??= new Map(this.userIds.map((u, i) => [u, i]));
    return this.userLookup.get(id);
  }

  itemIndex(id: string): number | undefined {
    this.itemLookup ??= new Map(this.itemIds.map((u, i) => [u, i]));
    return this.itemLookup.get(id);
  }

  /** A user's row as a history (views into this matrix: do not modify). */
  history(user: number): UserHistory {
    const a = this.indptr[user]!;
    const b = this.indptr[user + 1]!;
    return { items: this.indices.subarray(a, b), weights: this.values.subarray(a, b), timestamps: this.timestamps.subarray(a, b) };
  }

  /** The items × users matrix (same entries, CSR by item). */
  transpose(): InteractionMatrix {
    const rows = new Int32Array(this.nnz);
    for (let u = 0; u < this.numUsers; u++) rows.fill(u, this.indptr[u]!, this.indptr[u + 1]!);
    return fromTriplets(this.itemIds, this.userIds, this.indices, rows, this.values, this.timestamps, 'sum');
  }

  /** Number of stored entries per item. */
  itemCounts(): Float64Array {
    const c = new Float64Array(this.numItems);
    for (let k = 0; k < this.nnz; k++) c[this.indices[k]!]!++;
    return c;
  }

  /** The entries for which `keep(entry offset)` is true, with the same users and items. */
  filterEntries(keep: (entry: number) => boolean): InteractionMatrix {
    const indptr = new Int32Array(this.numUsers + 1);
    const take: number[] = [];
    for (let u = 0; u < this.numUsers; u++) {
      indptr[u] = take.length;
      for (let k = this.indptr[u]!; k < this.indptr[u + 1]!; k++) if (keep(k)) take.push(k);
    }
    indptr[this.numUsers] = take.length;
    const pick = <T extends Int32Array | Float32Array | Float64Array>(a: T): T => {
      const out = new (a.constructor as new (n: number) => T)(take.length);
      for (let x = 0; x < take.length; x++) out[x] = a[take[x]!]!;
      return out;
    };
    return new InteractionMatrix(this.userIds, this.itemIds, indptr, pick(this.indices), pick(this.values), pick(this.timestamps));
  }

  /** The same matrix with every stored weight replaced by `f(weight)`. */
  mapValues(f: (weight: number) => number): InteractionMatrix {
    const v = new Float32Array(this.nnz);
    for (let k = 0; k < v.length; k++) v[k] = f(this.values[k]!);
    return new InteractionMatrix(this.userIds, this.itemIds, this.indptr, this.indices, v, this.timestamps);
  }
}

function grow<T extends Int32Array | Float32Array | Float64Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Counting sort by row, then sort each row by column and merge duplicates. */
function fromTriplets(
  rowIds: readonly string[],
  colIds: readonly string[],
  rows: Int32Array,
  cols: Int32Array,
  vals: Float32Array,
  times: Float64Array,
  duplicates: 'sum' | 'max',
): InteractionMatrix {
  const nRows = rowIds.length;
  const n = rows.length;
  const counts = new Int32Array(nRows + 1);
  for (let k = 0; k < n; k++) counts[rows[k]! + 1]!++;
  for (let r = 0; r < nRows; r++) counts[r + 1]! += counts[r]!;
  const next = counts.slice(0, nRows);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[next[rows[k]!]!++] = k;

  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  const timestamps = new Float64Array(n);
  let out = 0;
  let scratch: number[] = [];
  for (let r = 0; r < nRows; r++) {
    indptr[r] = out;
    scratch = Array.from(order.subarray(counts[r]!, counts[r + 1]!));
    scratch.sort((a, b) => cols[a]! - cols[b]! || a - b);
    let last = -1;
    for (const k of scratch) {
      const c = cols[k]!;
      if (c === last) {
        const p = out - 1;
        values[p] = duplicates === 'sum' ? values[p]! + vals[k]! : Math.max(values[p]!, vals[k]!);
        if (times[k]! > timestamps[p]!) timestamps[p] = times[k]!;
        continue;
      }
      indices[out] = c;
      values[out] = vals[k]!;
      timestamps[out] = times[k]!;
      out++;
      last = c;
    }
  }
  indptr[nRows] = out;
  return new InteractionMatrix(rowIds, colIds, indptr, indices.slice(0, out), values.slice(0, out), timestamps.slice(0, out));
}
