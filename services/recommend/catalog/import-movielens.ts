import { appError } from '../../../shared/errors/index.ts';
import { readMovieLens, type MovieLensData } from '../eval/movielens.ts';
import type { CatalogRepository } from './catalog.repository.ts';
import type { EventInput, ItemInput } from './catalog.schema.ts';

export interface ImportProgress {
  stage: 'items' | 'events';
  done: number;
  total: number;
}

/**
 * Loads a MovieLens folder into the catalog: movies become items (title; first genre as
 * category; all genres as text and attribute), ratings become `rating` events with an
 * `event_id` of `ml:<user>:<item>:<timestamp>`, so importing twice stores nothing twice.
 * @example await importMovieLens(repo, '../shared/data/movielens-100k', (p) => bar.update(p.done))
 */
export async function importMovieLens(
  repo: CatalogRepository,
  dir: string,
  onProgress: (p: ImportProgress) => void = () => undefined,
  batchSize = 5000,
): Promise<{ items: number; events: number; duplicates: number; layout: string }> {
  const data = readMovieLens(dir);
  const items = movieLensItems(data);
  // checked before anything is written: a rating of a movie the folder lacks would otherwise
  // fail its batch after the earlier ones were stored
  const known = new Set(items.map((i) => i.id));
  const strangers = [...new Set(data.ratings.filter((r) => !known.has(r.itemId)).map((r) => r.itemId))];
  if (strangers.length > 0) {
    throw appError('EVAL_DATASET_INVALID', `${strangers.length} movie id(s) rated in ${dir} are not in its movies file: ${strangers.slice(0, 5).join(', ')}`, { item_ids: strangers.slice(0, 100) });
  }
  for (let i = 0; i < items.length; i += batchSize) {
    await repo.upsertItems(items.slice(i, i + batchSize));
    onProgress({ stage: 'items', done: Math.min(i + batchSize, items.length), total: items.length });
  }
  let accepted = 0;
  for (let i = 0; i < data.ratings.length; i += batchSize) {
    // a line repeated in the file is one rating (as when its copy falls in another batch)
    const batch = new Map<string, EventInput>();
    for (const r of data.ratings.slice(i, i + batchSize)) {
      const eventId = `ml:${r.userId}:${r.itemId}:${r.timestamp}`;
      if (!batch.has(eventId)) batch.set(eventId, { user_id: r.userId, item_id: r.itemId, type: 'rating', value: r.rating, timestamp: r.timestamp * 1000, event_id: eventId });
    }
    accepted += (await repo.insertEvents([...batch.values()])).accepted;
    onProgress({ stage: 'events', done: Math.min(i + batchSize, data.ratings.length), total: data.ratings.length });
  }
  return { items: items.length, events: accepted, duplicates: data.ratings.length - accepted, layout: data.layout };
}

/** MovieLens movies as catalog items: title; first genre as category; all genres as text and as the `genres` attribute. */
export function movieLensItems(data: MovieLensData): ItemInput[] {
  return data.items.map((m) => ({
    id: m.id,
    title: m.title,
    description: m.genres.join(', '),
    category: m.genres[0] ?? null,
    in_stock: true,
    attributes: { genres: m.genres.join('|'), ...(m.releaseDate ? { release_date: m.releaseDate } : {}) },
  }));
}
