import type { WeightedField } from '../../../shared/search/bm25-index.ts';
import type { ItemText } from '../../embed/index.ts';

/**
 * How much a word counts in product search by the field it is in: a shopper types what is in
 * the title. With one weight for every field, "star wars" on MovieLens ranked "Underground
 * (1995)" (genre War, named in its category, description and attributes) second, above every
 * other title with "star" in it; with the title at 3, the top ten of a two-word title query
 * have a query word in their title 92% of the time instead of 89% (README, "Search").
 */
export const SEARCH_FIELD_WEIGHTS = { title: 3, category: 1, description: 1, attributes: 1 } as const;

/**
 * The weighted fields an item is found by. Attributes count by their values only: their names
 * ("genres", "release_date") are in nearly every item and would match queries that mean
 * something else.
 * @example searchFields({ title: 'Trail shoe', category: 'Shoes', attributes: { color: 'red' } })
 */
export function searchFields(item: ItemText): WeightedField[] {
  const w = SEARCH_FIELD_WEIGHTS;
  const values = Object.values(item.attributes ?? {}).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  return [
    { text: item.title, weight: w.title },
    { text: item.category ?? '', weight: w.category },
    { text: item.description ?? '', weight: w.description },
    { text: values.join(' '), weight: w.attributes },
  ].filter((f) => f.text.length > 0);
}
