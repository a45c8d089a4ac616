import { createVectorIndex, type VectorIndex } from '../../../shared/vector-index/index.ts';
// the project's one BM25 and rank fusion live with product search; the knowledge base reuses them
import { Bm25Index, type ScoredId } from '../../../shared/search/bm25-index.ts';
import { fuseRrf } from '../../../shared/search/rank-fusion.ts';
import type { KbEntry } from './kb.schema.ts';

/** One retrievable text of an entry: a question variant (`q<i>`) or the answer (`a`). */
const docId = (entryId: string, part: string) => `${entryId}\u0001${part}`;
const entryOf = (doc: string) => doc.slice(0, doc.indexOf('\u0001'));

export interface KbHit {
  id: string;
  score: number;
  matched: Array<'lexical' | 'dense'>;
}

/** How many texts each retriever returns per hit asked for (several variants map to one entry). */
const DEPTH = 8;

/** The best score per entry, best first. */
function bestPerEntry(hits: readonly ScoredId[]): ScoredId[] {
  const best = new Map<string, number>();
  for (const h of hits) {
    const id = entryOf(h.id);
    if (!best.has(id) || best.get(id)! < h.score) best.set(id, h.score);
  }
  return [...best].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/**
 * The knowledge base's in-memory retrieval: BM25 over every question variant and the answer,
 * exact nearest neighbours over the question embeddings (FAQ sets are small: thousands of
 * variants, where a flat scan is fast and exact), each collapsed to the best text per entry
 * and fused by reciprocal rank with the dense list weighted.
 */
export class KbIndex {
  private readonly lexical = new Bm25Index();
  private dense: VectorIndex | undefined;
  private readonly parts = new Map<string, string[]>();
  private readonly entries = new Map<string, KbEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(id: string): KbEntry | undefined {
    return this.entries.get(id);
  }

  /** Entries with this intent. */
  withIntent(intent: string): KbEntry[] {
    return [...this.entries.values()].filter((e) => e.intent === intent);
  }

  /**
   * Adds or replaces an entry; `questionVectors` (one per question, from the encoder) are
   * left out when no encoder is loaded, and the entry is then found lexically only.
   */
  async upsert(entry: KbEntry, questionVectors?: readonly Float32Array[]): Promise<void> {
    await this.remove(entry.id);
    const ids: string[] = [];
    entry.questions.forEach((q, i) => {
      const id = docId(entry.id, `q${i}`);
      this.lexical.upsert(id, q);
      ids.push(id);
    });
    const answerId = docId(entry.id, 'a');
    this.lexical.upsert(answerId, entry.answer.replace(/\{\{[^{}]*\}\}/g, ' '));
    ids.push(answerId);
    if (questionVectors && questionVectors.length > 0) {
      this.dense ??= createVectorIndex({ kind: 'flat', dim: questionVectors[0]!.length, capacity: 4096 });
      for (let i = 0; i < questionVectors.length; i++) await this.dense.upsert(docId(entry.id, `q${i}`), questionVectors[i]!);
    }
    this.parts.set(entry.id, ids);
    this.entries.set(entry.id, entry);
  }

  async remove(id: string): Promise<boolean> {
    const ids = this.parts.get(id);
    if (!ids) return false;
    for (const d of ids) {
      this.lexical.remove(d);
      if (this.dense?.has(d)) await this.dense.remove(d);
    }
    this.parts.delete(id);
    this.entries.delete(id);
    return true;
  }

  /**
   * The `k` entries that best answer `query`, best first.
   * @example await index.search('where is my parcel', vector, 5, { denseWeight: 1 })
   */
  async search(query: string, queryVector: Float32Array | undefined, k: number, opts: { denseWeight: number; filter?: (entry: KbEntry) => boolean }): Promise<KbHit[]> {
    const pass = opts.filter ? (doc: string) => opts.filter!(this.entries.get(entryOf(doc))!) : undefined;
    const depth = k * DEPTH;
    const lexical = bestPerEntry(this.lexical.search(query, depth, pass));
    let dense: ScoredId[] = [];
    if (opts.denseWeight > 0 && queryVector && this.dense && this.dense.size > 0) {
      dense = bestPerEntry(await this.dense.search(queryVector, Math.min(depth, this.dense.size), pass ? { filter: pass } : undefined));
    }
    const lexicalIds = new Set(lexical.map((h) => h.id));
    const denseIds = new Set(dense.map((h) => h.id));
    return fuseRrf([lexical, dense], k, 60, [1, opts.denseWeight]).map((h) => ({
      id: h.id,
      score: h.score,
      matched: [...(lexicalIds.has(h.id) ? (['lexical'] as const) : []), ...(denseIds.has(h.id) ? (['dense'] as const) : [])],
    }));
  }

  async dispose(): Promise<void> {
    await this.dense?.dispose();
    this.dense = undefined;
  }
}
