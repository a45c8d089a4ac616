import type { Interaction } from '../../services/recommend/models/interaction-matrix.ts';
import { seededRandom } from '../../services/recommend/models/seeded-random.ts';

/** Options of {@link syntheticShop}. */
export interface SyntheticShopOptions {
  items: number;
  users: number;
  events: number;
  categories: number;
  seed: number;
}

/**
 * A seeded shop-shaped event log: item popularity falls steeply (a few items take most events),
 * user activity is skewed (a few users have thousands of events, most a handful), and half of a
 * user's events fall in one favourite category, so there is structure for the models to find.
 * Events are spread over 90 days in sittings of a few minutes. Each item has one category.
 *
 * @example const { itemIds, categories, interactions } = syntheticShop({ items: 1000, users: 200, events: 10_000, categories: 20, seed: 1 });
 */
export function syntheticShop(o: SyntheticShopOptions): { itemIds: string[]; categories: string[]; interactions: Interaction[] } {
  const rng = seededRandom(o.seed);
  const itemIds = Array.from({ length: o.items }, (_, i) => `item-${i}`);
  const categories = itemIds.map((_, i) => `category-${i % o.categories}`);
  const perCategory = Math.max(1, Math.floor(o.items / o.categories));
  const start = 1_700_000_000;
  const interactions: Interaction[] = [];
  for (let e = 0; e < o.events; e++) {
    const user = Math.floor(o.users * Math.pow(rng.next(), 1.5));
    const favourite = user % o.categories;
    const item = rng.next() < 0.5
      ? Math.floor(o.items * Math.pow(rng.next(), 3))
      : Math.min(o.items - 1, Math.floor(perCategory * Math.pow(rng.next(), 2)) * o.categories + favourite);
    const sitting = Math.floor(rng.next() * 90 * 24);
    interactions.push({ userId: `user-${user}`, itemId: itemIds[item]!, weight: 1, timestamp: start + sitting * 3600 + Math.floor(rng.next() * 600) });
  }
  return { itemIds, categories, interactions };
}
