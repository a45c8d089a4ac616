import { z } from 'zod';
import { queryNumber, entityId } from '../../../shared/http/index.ts';
import { itemFilterQuery, withPriceRange } from '../ranking/item-filter.ts';

const kParam = (max: number, def: number) => queryNumber(z.number().int().min(1).max(max).default(def));

/** Query of `GET /v1/users/:id/recommendations`. */
export const recommendationsQuery = (maxK: number, defaultK: number) =>
  withPriceRange(
    itemFilterQuery
      .extend({
        k: kParam(maxK, defaultK),
        /** 0 = relevance order, up to 1 = as varied as possible (MMR). */
        diversity: queryNumber(z.number().min(0).max(1).default(0)),
        /**
         * Item ids: what the visitor is looking at now (cold users, sessions). Comma-separated,
         * or the parameter repeated, one id each (for ids with a comma in them).
         */
        context_items: z
          .union([
            z
              .string()
              .max(10_000)
              .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
            z.array(z.string().max(10_000)).max(100),
          ])
          .pipe(z.array(entityId).max(100))
          .optional(),
      })
      .strict(),
  );

/** Query of `GET /v1/items/:id/similar`. */
export const similarQuery = (maxK: number, defaultK: number) => withPriceRange(itemFilterQuery.extend({ k: kParam(maxK, defaultK) }).strict());

/** Query of `GET /v1/search`. */
export const searchQuery = (maxK: number, defaultK: number) =>
  withPriceRange(itemFilterQuery.extend({ q: z.string().trim().min(1, 'q must not be empty').max(1000), k: kParam(maxK, defaultK) }).strict());

/** What serving knows of an item (see LiveItem). */
const liveItem = {
  id: z.string(),
  title: z.string(),
  category: z.string().nullable(),
  price: z.number().nullable(),
  in_stock: z.boolean(),
};

export const recommendedItem = z
  .strictObject({
    ...liveItem,
    score: z.number(),
    /** A short reason a shopper can read ("because you rated Toy Story"). */
    reason: z.string(),
  })
  .meta({ id: 'RecommendedItem' });

export const recommendationsResponse = z.strictObject({
  user_id: z.string(),
  /** `personal` (from the user's events), `context` (from `context_items` alone) or `popular` (nothing to go on). */
  strategy: z.enum(['personal', 'context', 'popular']),
  items: z.array(recommendedItem),
});

export const similarResponse = z.strictObject({ item_id: z.string(), items: z.array(recommendedItem) });

export const searchHit = z
  .strictObject({
    ...liveItem,
    score: z.number(),
    /** Which retrievers found it. */
    matched: z.array(z.enum(['lexical', 'dense'])),
  })
  .meta({ id: 'SearchHit' });

export const searchResponse = z.strictObject({ query: z.string(), items: z.array(searchHit) });
