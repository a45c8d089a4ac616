import { z } from 'zod';
import { entityId } from '../catalog/catalog.schema.ts';
import { itemFilterQuery } from '../ranking/item-filter.ts';

const kParam = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);

/** Query of `GET /v1/users/:id/recommendations`. */
export const recommendationsQuery = (maxK: number, defaultK: number) =>
  itemFilterQuery
    .extend({
      k: kParam(maxK, defaultK),
      /** 0 = relevance order, up to 1 = as varied as possible (MMR). */
      diversity: z.coerce.number().min(0).max(1).default(0),
      /** Comma-separated item ids: what the visitor is looking at now (cold users, sessions). */
      context_items: z
        .string()
        .max(10_000)
        .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
        .pipe(z.array(entityId).max(100))
        .optional(),
    })
    .strict();

/** Query of `GET /v1/items/:id/similar`. */
export const similarQuery = (maxK: number, defaultK: number) => itemFilterQuery.extend({ k: kParam(maxK, defaultK) }).strict();

/** Query of `GET /v1/search`. */
export const searchQuery = (maxK: number, defaultK: number) =>
  itemFilterQuery.extend({ q: z.string().trim().min(1, 'q must not be empty').max(1000), k: kParam(maxK, defaultK) }).strict();
