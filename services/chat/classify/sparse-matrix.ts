/**
 * Compressed sparse rows: the feature matrix of a batch of texts. Row i's entries are
 * `indices[indptr[i] .. indptr[i+1])` (columns, ascending) with `data` the values.
 */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/**
 * Builds a CSR matrix row by row into growing typed arrays.
 * @example const b = new CsrBuilder(10); b.push(3, 0.5); b.endRow(); const m = b.build()
 */
export class CsrBuilder {
  private indptr: number[] = [0];
  private indices: Int32Array;
  private data: Float32Array;
  private nnz = 0;

  constructor(
    private readonly cols: number,
    capacity = 1024,
  ) {
    this.indices = new Int32Array(capacity);
    this.data = new Float32Array(capacity);
  }

  /** Appends an entry to the current row; columns must come in ascending order within a row. */
  push(col: number, value: number): void {
    if (this.nnz === this.indices.length) {
      const indices = new Int32Array(this.indices.length * 2);
      indices.set(this.indices);
      const data = new Float32Array(this.data.length * 2);
      data.set(this.data);
      this.indices = indices;
      this.data = data;
    }
    this.indices[this.nnz] = col;
    this.data[this.nnz] = value;
    this.nnz++;
  }

  endRow(): void {
    this.indptr.push(this.nnz);
  }

  build(): CsrMatrix {
    return {
      rows: this.indptr.length - 1,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.nnz),
      data: this.data.slice(0, this.nnz),
    };
  }
}

/** The rows `which` of `m`, in that order. */
export function selectRows(m: CsrMatrix, which: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let k = 0; k < which.length; k++) nnz += m.indptr[which[k]! + 1]! - m.indptr[which[k]!]!;
  const indptr = new Int32Array(which.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let at = 0;
  for (let k = 0; k < which.length; k++) {
    const r = which[k]!;
    const a = m.indptr[r]!;
    const b = m.indptr[r + 1]!;
    indices.set(m.indices.subarray(a, b), at);
    data.set(m.data.subarray(a, b), at);
    at += b - a;
    indptr[k + 1] = at;
  }
  return { rows: which.length, cols: m.cols, indptr, indices, data };
}

/** Squared L2 norm of every row. */
export function rowSquaredNorms(m: CsrMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) s += m.data[p]! * m.data[p]!;
    out[r] = s;
  }
  return out;
}

/** `m` restricted to its first `cols` columns (entries at or beyond `cols` dropped). */
export function leadingColumns(m: CsrMatrix, cols: number): CsrMatrix {
  if (cols >= m.cols) return m;
  const indptr = new Int32Array(m.rows + 1);
  let nnz = 0;
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) if (m.indices[p]! < cols) nnz++;
    indptr[r + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let at = 0;
  for (let p = 0; p < m.indices.length; p++) {
    if (m.indices[p]! < cols) {
      indices[at] = m.indices[p]!;
      data[at++] = m.data[p]!;
    }
  }
  return { rows: m.rows, cols, indptr, indices, data };
}
