import { z } from 'zod';
import { queryNumber } from '../../../shared/http/index.ts';

/** The filters every listing route takes: category, price range, stock. */
export const itemFilterQuery = z.object({
  category: z.string().min(1).max(256).optional(),
  min_price: queryNumber(z.number().finite().min(0).optional()),
  max_price: queryNumber(z.number().finite().min(0).optional()),
  in_stock: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export type ItemFilter = z.infer<typeof itemFilterQuery>;

/** A route's query with the filters, refusing an empty price range (min_price above max_price). */
export const withPriceRange = <T extends z.ZodType<Partial<ItemFilter>>>(query: T): T =>
  query.refine((f) => f.min_price === undefined || f.max_price === undefined || f.min_price <= f.max_price, {
    message: 'min_price must not be above max_price',
    path: ['min_price'],
  });

/** What a filter needs to know about an item. */
export interface ItemFacets {
  category: string | null;
  price: number | null;
  in_stock: boolean;
}

/** True when the item passes every filter given. An item without a price fails a price filter. */
export function matchesFilter(item: ItemFacets, f: ItemFilter): boolean {
  if (f.category !== undefined && item.category !== f.category) return false;
  if (f.in_stock !== undefined && item.in_stock !== f.in_stock) return false;
  if (f.min_price !== undefined && (item.price === null || item.price < f.min_price)) return false;
  if (f.max_price !== undefined && (item.price === null || item.price > f.max_price)) return false;
  return true;
}

export const isEmptyFilter = (f: ItemFilter): boolean =>
  f.category === undefined && f.min_price === undefined && f.max_price === undefined && f.in_stock === undefined;
