import { z } from 'zod';
import { entityId, wellFormed } from '../../../shared/http/index.ts';

const attributeValue = z.union([wellFormed(z.string().max(2000)), z.number().finite(), z.boolean(), z.null()]);

export const itemInput = z
  .object({
    id: entityId,
    title: wellFormed(z.string().trim().min(1).max(1000)),
    description: wellFormed(z.string().max(20_000)).nullish(),
    category: wellFormed(z.string().max(256)).nullish(),
    price: z.number().finite().min(0).max(1e12).nullish(),
    in_stock: z.boolean().default(true),
    attributes: z
      .preprocess(
        (o, ctx) => {
          // zod's records skip the key `__proto__` (no plain object can hold it as its own): refused, not dropped
          if (o && typeof o === 'object' && Object.hasOwn(o, '__proto__')) ctx.addIssue({ code: 'custom', message: 'the attribute name __proto__ is reserved', input: o });
          return o;
        },
        z.record(wellFormed(z.string().min(1).max(128)), attributeValue).refine((o) => Object.keys(o).length <= 100, 'at most 100 attributes'),
      )
      .nullish(),
  })
  .strict();

export type ItemInput = z.infer<typeof itemInput>;

export const upsertItemsBody = z.object({ items: z.array(itemInput).min(1, 'items must not be empty') }).strict();

export const EVENT_TYPES = ['view', 'cart', 'purchase', 'rating'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventInput = z
  .object({
    user_id: entityId,
    item_id: entityId,
    type: z.enum(EVENT_TYPES),
    value: z.number().finite().min(-1e6).max(1e6).optional(),
    /** Epoch milliseconds or an ISO 8601 date-time with offset; default: when received. */
    timestamp: z.union([z.number().int().min(0).max(8.64e15), z.iso.datetime({ offset: true }).refine((d) => Date.parse(d) >= 0, 'must not be before 1970-01-01T00:00:00Z')]).optional(),
    /** Makes retries idempotent: an event_id seen before is not stored twice. */
    event_id: entityId.optional(),
  })
  .strict()
  .refine((e) => e.type !== 'rating' || e.value !== undefined, { message: 'a rating needs a value', path: ['value'] });

export type EventInput = z.infer<typeof eventInput>;

export const postEventsBody = z.object({ events: z.array(eventInput).min(1, 'events must not be empty') }).strict();

/** An item as stored and returned. */
export const itemSchema = z
  .strictObject({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    price: z.number().nullable(),
    in_stock: z.boolean(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Item' });

export type Item = z.infer<typeof itemSchema>;

/** The `:id` path parameter of the item and user routes. */
export const entityIdParams = z.object({ id: entityId });

export const upsertItemsResponse = z.strictObject({
  /** Items in the batch. */
  upserted: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
});

export const postEventsResponse = z.strictObject({
  accepted: z.number().int(),
  /** Events whose event_id was stored before (retries): not stored twice. */
  duplicates: z.number().int(),
});

/** An interaction as stored. */
export interface StoredEvent {
  seq: number;
  user_id: string;
  item_id: string;
  type: EventType;
  value: number | null;
  /** Epoch milliseconds. */
  ts: number;
}
