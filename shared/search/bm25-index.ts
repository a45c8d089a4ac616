import { terms } from './text-terms.ts';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface ScoredId {
  id: string;
  score: number;
}

/** One field of a document and how much each of its words counts (a title more than a description). */
export interface WeightedField {
  text: string;
  weight: number;
}

/** What a document is indexed from: one text, or fields of different weights. */
export type Bm25Document = string | readonly WeightedField[];

/**
 * An in-memory BM25 index over short documents (item titles, descriptions, categories),
 * updated in place as items come and go. A document may have weighted fields, scored as BM25F
 * with one saturation (Robertson, Zaragoza and Taylor 2004): a term's frequency and the
 * document's length are the weighted sums over its fields, so a word of a field weighted 3
 * counts as three occurrences.
 * @example const idx = new Bm25Index(); idx.upsert('42', 'Trail running shoe'); idx.search('running shoes', 10)
 */
export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly docTerms: Array<Map<string, number> | undefined> = [];
  /** What each slot was indexed from: upserting the same document again changes nothing. */
  private readonly docText: Array<string | undefined> = [];
  private readonly docLength: number[] = [];
  private readonly ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  private totalLength = 0;
  private live = 0;

  constructor(opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
  }

  get size(): number {
    return this.live;
  }

  /**
   * Indexes `id` with `doc` (a text, or weighted fields), replacing what it had. The same
   * document as before is a no-op: a catalog reload re-upserts every item, and most of them
   * have not changed.
   */
  upsert(id: string, doc: Bm25Document): void {
    const key = typeof doc === 'string' ? doc : JSON.stringify(doc);
    const had = this.slotOf.get(id);
    if (had !== undefined && this.docText[had] === key) return;
    this.remove(id);
    const tf = new Map<string, number>();
    let length = 0;
    for (const field of typeof doc === 'string' ? [{ text: doc, weight: 1 }] : doc) {
      if (!(field.weight > 0)) continue;
      const ts = terms(field.text);
      for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + field.weight);
      length += ts.length * field.weight;
    }
    const slot = this.free.pop() ?? this.ids.length;
    this.ids[slot] = id;
    this.slotOf.set(id, slot);
    this.docTerms[slot] = tf;
    this.docText[slot] = key;
    this.docLength[slot] = length;
    this.totalLength += length;
    this.live++;
    for (const [t, n] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(slot, n);
    }
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    for (const t of this.docTerms[slot]!.keys()) {
      const p = this.postings.get(t)!;
      p.delete(slot);
      if (p.size === 0) this.postings.delete(t);
    }
    this.totalLength -= this.docLength[slot]!;
    this.docTerms[slot] = undefined;
    this.docText[slot] = undefined;
    this.slotOf.delete(id);
    this.free.push(slot);
    this.live--;
    return true;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** The `k` best documents for `query` that pass `filter`, best first; empty when no term matches. */
  search(query: string, k: number, filter?: (id: string) => boolean): ScoredId[] {
    if (this.live === 0) return [];
    const avgdl = this.totalLength / this.live || 1;
    const scores = new Map<number, number>();
    for (const t of new Set(terms(query))) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = Math.log(1 + (this.live - p.size + 0.5) / (p.size + 0.5));
      for (const [slot, tf] of p) {
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.docLength[slot]!) / avgdl);
        scores.set(slot, (scores.get(slot) ?? 0) + (idf * tf * (this.k1 + 1)) / norm);
      }
    }
    const hits: ScoredId[] = [];
    for (const [slot, score] of scores) {
      const id = this.ids[slot]!;
      if (!filter || filter(id)) hits.push({ id, score });
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return hits.slice(0, k);
  }
}
