import { CsrBuilder, type CsrMatrix } from './sparse-matrix.ts';

/** What a fitted vectorizer keeps: its n-gram hashes (sorted) and their idf, one column each. */
export interface TfidfState {
  keys: Uint32Array;
  idf: Float32Array;
}

export interface TfidfFitOptions {
  /** Keep n-grams seen in at least this many training texts. @defaultValue 1 */
  minDf?: number;
}

/**
 * TF-IDF over hashed n-grams with a vocabulary fitted on training texts: sublinear tf
 * (1 + ln tf), smoothed idf (ln((1 + n) / (1 + df)) + 1, as scikit-learn), rows L2-normalised.
 * N-grams never seen in training are dropped at transform time.
 * @example const v = TfidfVectorizer.fit(hashesPerText); const x = v.transform(hashesPerText)
 */
export class TfidfVectorizer {
  private readonly column: Map<number, number>;

  private constructor(readonly state: TfidfState) {
    this.column = new Map();
    state.keys.forEach((k, i) => this.column.set(k, i));
  }

  get size(): number {
    return this.state.keys.length;
  }

  static fromState(state: TfidfState): TfidfVectorizer {
    return new TfidfVectorizer(state);
  }

  static fit(docs: readonly Uint32Array[], opts: TfidfFitOptions = {}): TfidfVectorizer {
    const minDf = opts.minDf ?? 1;
    const df = new Map<number, number>();
    for (const doc of docs) {
      for (const h of new Set(doc)) df.set(h, (df.get(h) ?? 0) + 1);
    }
    const kept: number[] = [];
    for (const [h, c] of df) if (c >= minDf) kept.push(h);
    const keys = Uint32Array.from(kept).sort();
    const n = docs.length;
    const idf = new Float32Array(keys.length);
    keys.forEach((k, i) => (idf[i] = Math.log((1 + n) / (1 + df.get(k)!)) + 1));
    return new TfidfVectorizer({ keys, idf });
  }

  /**
   * One L2-normalised TF-IDF row of `doc` pushed into `out` at column offset `offset`, scaled
   * by `weight`. Returns the number of entries written.
   */
  pushRow(doc: Uint32Array, out: CsrBuilder, offset = 0, weight = 1): number {
    const cols: number[] = [];
    for (let i = 0; i < doc.length; i++) {
      const c = this.column.get(doc[i]!);
      if (c !== undefined) cols.push(c);
    }
    if (cols.length === 0) return 0;
    cols.sort((a, b) => a - b);
    const uniq: number[] = [];
    const vals: number[] = [];
    let norm = 0;
    for (let i = 0; i < cols.length; ) {
      let j = i;
      while (j < cols.length && cols[j] === cols[i]) j++;
      const v = (1 + Math.log(j - i)) * this.state.idf[cols[i]!]!;
      uniq.push(cols[i]!);
      vals.push(v);
      norm += v * v;
      i = j;
    }
    const scale = weight / Math.sqrt(norm);
    for (let i = 0; i < uniq.length; i++) out.push(offset + uniq[i]!, vals[i]! * scale);
    return uniq.length;
  }

  transform(docs: readonly Uint32Array[]): CsrMatrix {
    const b = new CsrBuilder(this.size, docs.length * 64);
    for (const doc of docs) {
      this.pushRow(doc, b);
      b.endRow();
    }
    return b.build();
  }
}
