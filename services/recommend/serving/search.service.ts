import type { EmbedService } from '../../embed/index.ts';
import { isEmptyFilter, matchesFilter, type ItemFilter } from '../ranking/item-filter.ts';
import { fuseRrf } from '../../../shared/search/rank-fusion.ts';
import type { LiveCatalog, LiveItem } from './live-catalog.ts';

export interface SearchResult extends LiveItem {
  score: number;
  /** Which retrievers found it. */
  matched: Array<'lexical' | 'dense'>;
}

export interface SearchWeights {
  lexical: number;
  /** Weight of the embedding retriever (evaluated per request: it can depend on the encoder in service). */
  dense: () => number;
}

/** How many hits each retriever contributes per result asked for. */
const DEPTH = 4;

/**
 * Hybrid product search: BM25 over item text and nearest neighbours of the query's
 * embedding, fused by reciprocal rank (weights configurable), with filters applied inside
 * both retrievers.
 */
export class SearchService {
  constructor(
    private readonly catalog: LiveCatalog,
    private readonly embed: EmbedService,
    private readonly weights: SearchWeights,
  ) {}

  /** @example await search.search('running shoes', 10, { in_stock: true }) */
  async search(query: string, k: number, filter: ItemFilter): Promise<SearchResult[]> {
    const pass = isEmptyFilter(filter)
      ? (id: string) => this.catalog.get(id) !== undefined
      : (id: string) => {
          const it = this.catalog.get(id);
          return it !== undefined && matchesFilter(it, filter);
        };
    const depth = k * DEPTH;
    const lexical = this.weights.lexical > 0 ? this.catalog.lexical.search(query, depth, pass) : [];
    let dense: Array<{ id: string; score: number }> = [];
    const denseWeight = this.weights.dense();
    if (denseWeight > 0 && this.embed.ready) {
      const { vectors } = await this.embed.embed([query]);
      dense = await this.catalog.nearest(vectors[0]!, depth, pass);
    }
    const lexicalIds = new Set(lexical.map((h) => h.id));
    const denseIds = new Set(dense.map((h) => h.id));
    return fuseRrf([lexical, dense], k, 60, [this.weights.lexical, denseWeight]).flatMap((hit) => {
      const item = this.catalog.get(hit.id);
      if (!item) return [];
      const matched: SearchResult['matched'] = [];
      if (lexicalIds.has(hit.id)) matched.push('lexical');
      if (denseIds.has(hit.id)) matched.push('dense');
      return [{ ...item, score: hit.score, matched }];
    });
  }
}
