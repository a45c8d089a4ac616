import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../../../shared/logging/logger.ts';
import { createVectorIndex, IndexHolder, type SearchHit, type VectorIndex } from '../../../shared/vector-index/index.ts';
import type { Item } from '../catalog/catalog.schema.ts';
import type { ItemFacets } from '../ranking/item-filter.ts';
import { Bm25Index } from '../../../shared/search/bm25-index.ts';
import type { ItemEmbedder } from '../embedding/item-embedder.ts';
import { searchFields } from './search-fields.ts';

/** What serving keeps in memory about an item. */
export interface LiveItem extends ItemFacets {
  id: string;
  title: string;
}

/** Below this many items an exact index is as fast as HNSW and exact. */
const FLAT_BELOW = 2000;
/** Items whose text is re-indexed between two turns of the event loop during a load (a few ms). */
const LOAD_SLICE = 100;

/**
 * The catalog as serving sees it: facets for filtering, each item's content embedding, a live
 * vector index over them, and a BM25 index over their fields (see search-fields.ts). Fresh items are embedded and
 * added in place; `rebuild` makes a fresh index (no tombstones) and swaps it in atomically.
 */
export class LiveCatalog {
  private readonly items = new Map<string, LiveItem>();
  private readonly vectors = new Map<string, Float32Array>();
  /** Bumped on every change, so a rebuild can tell what changed while it ran. */
  private readonly changedAt = new Map<string, number>();
  private clock = 0;
  readonly content = new IndexHolder<VectorIndex>();
  readonly lexical = new Bm25Index();

  /**
   * @param vectorSearch whether anything searches the vector index (the dense weight resolves
   * above 0). Read at every load and change: while false no index is built or kept up to date
   * and {@link nearest} finds nothing; items are still embedded, for diversity and for when it
   * turns true, at the next {@link load}. At 100,000 items of dimension 384 the HNSW graph
   * costs about a minute of CPU at every load and 170 MB of memory in each API process.
   */
  constructor(
    private readonly embedder: ItemEmbedder,
    private readonly log: Logger,
    private readonly vectorSearch: () => boolean = () => true,
  ) {}

  get size(): number {
    return this.items.size;
  }

  /** Changes with every upsert, removal and reload: what was derived from items' vectors before is stale. */
  get revision(): number {
    return this.clock;
  }

  /** Whether the item was upserted or removed here after revision `since`. */
  changedSince(id: string, since: number): boolean {
    return (this.changedAt.get(id) ?? 0) > since;
  }

  get(id: string): LiveItem | undefined {
    return this.items.get(id);
  }

  vector(id: string): Float32Array | undefined {
    return this.vectors.get(id);
  }

  ids(): IterableIterator<string> {
    return this.items.keys();
  }

  private async embedItems(items: readonly Item[]): Promise<Float32Array[]> {
    return (await this.embedder.vectors(items)).vectors;
  }

  /**
   * Adds or refreshes items: embedded first, then visible everywhere at once. `since` is the
   * revision before `items` were read from the database: an item removed or written again
   * after it is left as that later change made it (a DELETE right after a PUT must not be
   * undone by the PUT's embedding finishing last).
   */
  async upsert(items: readonly Item[], since = this.clock): Promise<void> {
    if (items.length === 0) return;
    const vectors = await this.embedItems(items);
    let index = this.content.current;
    if (!index && this.vectorSearch()) {
      await this.content.swap(createVectorIndex({ kind: 'flat', dim: vectors[0]!.length }));
      index = this.content.current!;
    }
    for (const [i, it] of items.entries()) {
      if (this.changedSince(it.id, since)) continue;
      // the maps before the index (the await): a removal meanwhile then finds the item to drop
      this.items.set(it.id, { id: it.id, title: it.title, category: it.category, price: it.price, in_stock: it.in_stock });
      this.vectors.set(it.id, vectors[i]!);
      this.lexical.upsert(it.id, searchFields(it));
      this.changedAt.set(it.id, ++this.clock);
      await index?.upsert(it.id, vectors[i]!);
    }
  }

  /** Forgets an item everywhere; it is never returned again. */
  async remove(id: string): Promise<void> {
    this.items.delete(id);
    this.vectors.delete(id);
    this.lexical.remove(id);
    this.changedAt.set(id, ++this.clock);
    await this.content.current?.remove(id);
  }

  /**
   * Replaces the whole catalog (at boot, or after a nightly refresh): embeds every item,
   * builds a fresh index, patches in what changed meanwhile, and swaps it in. `since` is the
   * revision before `items` were read from the database (see {@link upsert}).
   */
  async load(items: readonly Item[], since = this.clock): Promise<void> {
    const started = performance.now();
    const vectors = await this.embedItems(items);
    const dim = vectors[0]?.length ?? this.embedder.dim;
    const fresh = this.vectorSearch() ? createVectorIndex(items.length < FLAT_BELOW ? { kind: 'flat', dim } : { kind: 'hnsw', dim, capacity: items.length + 1024 }) : undefined;
    await fresh?.addMany(items.map((it, i) => ({ id: it.id, vector: vectors[i]! })));
    const facets = new Map<string, LiveItem>();
    for (const [i, it] of items.entries()) {
      // in slices, with requests answered between them: re-indexing the text of all 2,182
      // items of the soak's catalog (ML-100K and its upserts) in one go held an API process's
      // event loop for about 150 ms under load (CPU profile at a nightly refresh)
      if (i > 0 && i % LOAD_SLICE === 0) await nextTurn();
      facets.set(it.id, { id: it.id, title: it.title, category: it.category, price: it.price, in_stock: it.in_stock });
      if ((this.changedAt.get(it.id) ?? 0) <= since) {
        this.items.set(it.id, facets.get(it.id)!);
        this.vectors.set(it.id, vectors[i]!);
        this.lexical.upsert(it.id, searchFields(it));
      }
    }
    // items gone from the catalog (and not re-added meanwhile) leave
    for (const id of [...this.items.keys()]) {
      if (!facets.has(id) && (this.changedAt.get(id) ?? 0) <= since) {
        this.items.delete(id);
        this.vectors.delete(id);
        this.lexical.remove(id);
      }
    }
    // changes that landed while we embedded win over the snapshot; once more after the swap for
    // those that landed during the first pass (later ones reach the fresh index directly)
    if (fresh) {
      const patching = this.clock;
      await this.patch(fresh, since);
      await this.content.swap(fresh);
      await this.patch(fresh, patching);
    }
    this.clock++;
    this.log.info({ items: this.items.size, index: fresh?.kind ?? 'none (no vector search: the dense weight is 0)', ms: Math.round(performance.now() - started) }, 'catalog index built');
  }

  /** Puts the items changed after revision `after` in `index` as they are now (present or removed). */
  private async patch(index: VectorIndex, after: number): Promise<void> {
    for (const [id, at] of [...this.changedAt]) {
      if (at <= after) continue;
      const v = this.vectors.get(id);
      if (v) await index.upsert(id, v);
      else await index.remove(id);
    }
  }

  /** Nearest items to a vector among those passing `filter`. */
  async nearest(vector: Float32Array, k: number, filter?: (id: string) => boolean): Promise<SearchHit[]> {
    if (!this.content.current || this.items.size === 0 || !this.vectorSearch()) return [];
    return this.content.search(vector, Math.min(k, this.items.size), filter ? { filter } : undefined);
  }
}
