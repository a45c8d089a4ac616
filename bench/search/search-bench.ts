import { itemText } from '../../services/embed/index.ts';
import { movieLensItems } from '../../services/recommend/catalog/import-movielens.ts';
import type { MovieLensData } from '../../services/recommend/eval/movielens.ts';
import { searchFields, SEARCH_FIELD_WEIGHTS } from '../../services/recommend/serving/search-fields.ts';
import { Bm25Index, type Bm25Document } from '../../shared/search/bm25-index.ts';
import { terms } from '../../shared/search/text-terms.ts';

type CatalogItem = ReturnType<typeof movieLensItems>[number];

/** Figures of one way of indexing the items. */
export interface LexicalFigures {
  /** Mean reciprocal rank (within the top 10) of the movie searched for by its whole title, year left out. */
  known_item_mrr: number;
  /** The same, searched for by the first two words of a title of three words or more. */
  prefix_mrr: number;
  /** Share of those queries' top-10 results with a query word in their title. */
  prefix_title_precision: number;
  /** Share of the top 10 for each genre's name that have the genre. */
  genre_precision: number;
  queries_per_s: number;
}

export interface SearchBenchOptions {
  progress: (line: string) => void;
}

const K = 10;
/** The query that showed the fault: a title's words against a genre named in three fields. */
const EXAMPLE = 'star wars';
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const titleTerms = (title: string) => terms(title.replace(/\(\d{4}\)\s*$/, ''));

/**
 * Lexical product search on MovieLens titles, with the catalog's weighted fields
 * (`searchFields`) against one text with every field counted once (the embedded text): known-item
 * search by whole title and by a two-word prefix, title precision of the prefix queries, genre
 * precision, and queries/s of the BM25 index. A check of our own, not a published protocol:
 * MovieLens has no search judgments.
 */
export function runSearchBench(data: MovieLensData, opts: SearchBenchOptions) {
  const items = movieLensItems(data);
  const byId = new Map(items.map((it) => [it.id, it]));
  const known = items.map((it) => ({ id: it.id, words: titleTerms(it.title) })).filter((q) => q.words.length > 0);
  const prefixes = known.filter((q) => q.words.length >= 3).map((q) => ({ id: q.id, words: q.words.slice(0, 2) }));
  const genres = [...new Set(items.flatMap((it) => String(it.attributes?.genres ?? '').split('|')).filter((g) => g && g !== 'unknown'))];

  const measure = (name: string, doc: (it: CatalogItem) => Bm25Document): { figures: LexicalFigures; example: string[] } => {
    const idx = new Bm25Index();
    for (const it of items) idx.upsert(it.id, doc(it));
    const rr = (id: string, hits: Array<{ id: string }>) => {
      const r = hits.findIndex((h) => h.id === id);
      return r < 0 ? 0 : 1 / (r + 1);
    };
    let knownRr = 0;
    for (const q of known) knownRr += rr(q.id, idx.search(q.words.join(' '), K));
    let prefixRr = 0;
    let titled = 0;
    let shown = 0;
    for (const q of prefixes) {
      const hits = idx.search(q.words.join(' '), K);
      prefixRr += rr(q.id, hits);
      for (const h of hits) {
        const words = new Set(titleTerms(byId.get(h.id)!.title));
        if (q.words.some((w) => words.has(w))) titled++;
        shown++;
      }
    }
    let right = 0;
    let returned = 0;
    for (const g of genres) {
      for (const h of idx.search(g, K)) {
        if (String(byId.get(h.id)!.attributes?.genres ?? '').split('|').includes(g)) right++;
        returned++;
      }
    }
    const queries = [...known, ...prefixes].map((q) => q.words.join(' '));
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 1000) for (const q of queries) (idx.search(q, K), n++);
    const figures = {
      known_item_mrr: round(knownRr / known.length),
      prefix_mrr: round(prefixRr / prefixes.length),
      prefix_title_precision: round(titled / Math.max(shown, 1)),
      genre_precision: round(right / Math.max(returned, 1)),
      queries_per_s: Math.round(n / ((performance.now() - t0) / 1000)),
    };
    opts.progress(`${name}: ${JSON.stringify(figures)}`);
    return { figures, example: idx.search(EXAMPLE, 5).map((h) => byId.get(h.id)!.title) };
  };

  const fields = measure('weighted fields', (it) => searchFields(it));
  const flat = measure('one text', (it) => itemText(it));
  return {
    items: items.length,
    queries: { known_item: known.length, prefix: prefixes.length, genre: genres.length },
    k: K,
    field_weights: SEARCH_FIELD_WEIGHTS,
    models: { fields: fields.figures, one_text: flat.figures },
    example: { query: EXAMPLE, fields: fields.example, one_text: flat.example },
  };
}
