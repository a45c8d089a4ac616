import type { CatalogueItems } from '../models/train-recommender.ts';

/** The item fields whose values become side features of the recommender, unless configured otherwise. */
export const DEFAULT_ITEM_FEATURES = ['category', 'genres', 'tags'] as const;
/** Most distinct feature values kept (the most frequent ones). */
const MAX_FEATURES = 1024;

interface CatalogItemFields {
  id: string;
  category?: string | null;
  attributes?: Record<string, string | number | boolean | null> | null;
}

/**
 * Multi-hot side features of catalog items for the recommender (EASE's side information, the
 * content source): the values of `fields` — `category` or an attribute name — split on `|`,
 * trimmed and lower-cased, one column per value shared by at least two items. An item counts
 * a value once whichever field holds it (a first genre that is also the category is one
 * feature). Items without any give a zero row; no value at all gives no vectors.
 * @example itemSideFeatures([{ id: '1', category: 'Comedy', attributes: { genres: 'Comedy|Romance' } }, …], ['category', 'genres'])
 */
export function itemSideFeatures(items: readonly CatalogItemFields[], fields: readonly string[] = DEFAULT_ITEM_FEATURES): CatalogueItems {
  const itemIds = items.map((i) => i.id);
  const valuesOf = items.map((item) => {
    const values = new Set<string>();
    for (const field of fields) {
      const raw = field === 'category' ? item.category : item.attributes?.[field];
      if (typeof raw !== 'string') continue;
      for (const part of raw.split('|')) {
        const v = part.trim().toLowerCase();
        if (v) values.add(v);
      }
    }
    return values;
  });
  const counts = new Map<string, number>();
  for (const values of valuesOf) for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_FEATURES)
    .map(([v]) => v);
  if (kept.length === 0) return { itemIds };
  const column = new Map(kept.map((v, i) => [v, i]));
  const dimension = kept.length;
  const vectors = new Float32Array(items.length * dimension);
  valuesOf.forEach((values, i) => {
    for (const v of values) {
      const c = column.get(v);
      if (c !== undefined) vectors[i * dimension + c] = 1;
    }
  });
  return { itemIds, vectors, dimension };
}
