import { l2Normalize } from './pooling.ts';

/** The fields of a catalog item that describe it in words. */
export interface ItemText {
  title: string;
  description?: string | null;
  category?: string | null;
  attributes?: Record<string, string | number | boolean | null> | null;
}

/** Default way to turn an item into one text; placeholders are `{title}`, `{description}`, `{category}`, `{attributes}`. */
export const DEFAULT_ITEM_TEMPLATE = '{title}. {category}. {description}. {attributes}';

/**
 * The text an item is embedded from. Empty fields vanish with their separator.
 * @example itemText({ title: 'Trail shoe', category: 'Shoes' }) // 'Trail shoe. Shoes'
 */
export function itemText(item: ItemText, template = DEFAULT_ITEM_TEMPLATE): string {
  const attrs = item.attributes
    ? Object.entries(item.attributes)
        .filter(([, v]) => v !== null && v !== '')
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ')
    : '';
  const values: Record<string, string> = {
    title: item.title ?? '',
    description: item.description ?? '',
    category: item.category ?? '',
    attributes: attrs,
  };
  const filled = template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
  // drop the separators that empty fields leave behind
  return filled
    .split(/\.\s+/)
    .map((s) => s.trim().replace(/\.$/, ''))
    .filter((s) => s.length > 0)
    .join('. ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One thing a user did with an item whose vector is known. */
export interface WeightedInteraction {
  vector: Float32Array;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Strength of the signal (a purchase counts more than a view); default 1. */
  weight?: number;
}

export interface UserVectorOptions {
  /** An interaction this many days old counts half as much as one now. */
  halfLifeDays?: number;
  now?: number;
  /** Embedding of the user's own profile text, if any. */
  profile?: Float32Array;
  /** How much the profile counts against one fresh, weight-1 interaction. */
  profileWeight?: number;
}

/**
 * A user's taste vector: the recency-weighted mean of the vectors of items they interacted
 * with, plus their profile embedding, L2-normalised. Undefined when there is nothing to go on.
 * @example userVector([{ vector, timestamp: Date.now(), weight: 3 }], { halfLifeDays: 30 })
 */
export function userVector(interactions: readonly WeightedInteraction[], opts: UserVectorOptions = {}): Float32Array | undefined {
  const dim = opts.profile?.length ?? interactions[0]?.vector.length;
  if (dim === undefined) return undefined;
  const halfLifeMs = (opts.halfLifeDays ?? 30) * 86_400_000;
  const now = opts.now ?? Date.now();
  const acc = new Float64Array(dim);
  let total = 0;
  for (const it of interactions) {
    if (it.vector.length !== dim) throw new RangeError(`interaction vector has ${it.vector.length} dimensions, expected ${dim}`);
    const age = Math.max(0, now - it.timestamp);
    const w = (it.weight ?? 1) * Math.pow(0.5, age / halfLifeMs);
    if (!(w > 0)) continue;
    for (let j = 0; j < dim; j++) acc[j]! += w * it.vector[j]!;
    total += w;
  }
  if (opts.profile) {
    const w = opts.profileWeight ?? 1;
    for (let j = 0; j < dim; j++) acc[j]! += w * opts.profile[j]!;
    total += w;
  }
  if (total === 0) return undefined;
  return l2Normalize(Float32Array.from(acc));
}
