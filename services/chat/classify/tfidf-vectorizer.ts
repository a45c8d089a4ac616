import { appError } from '../../../shared/errors/index.ts';
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
  /**
   * Columns are found by binary search over the sorted keys rather than through a Map: a
   * model's 30,000–70,000 n-grams then load with no work (a Map took 10–20 ms to build on
   * the event loop at every model swap, and kept its entries on the heap for the GC to walk).
   */
  private constructor(readonly state: TfidfState) {
    const { keys } = state;
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1]! >= keys[i]!) throw appError('CLASSIFIER_MODEL_INVALID', 'the vectorizer\'s n-gram keys are not strictly increasing');
    }
  }

  /** The column of n-gram hash `h`, or -1 when it was not kept at fit time. */
  private column(h: number): number {
    const { keys } = this.state;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k < h) lo = mid + 1;
      else if (k > h) hi = mid - 1;
      else return mid;
    }
    return -1;
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
      const c = this.column(doc[i]!);
      if (c >= 0) cols.push(c);
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
