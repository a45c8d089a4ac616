import type { EventType } from '../catalog/catalog.schema.ts';

/**
 * How strongly each kind of event says "this user likes this item". A rating counts as one
 * interaction whatever its value (the MovieLens protocol); buying says more than looking.
 */
export const EVENT_WEIGHTS: Record<EventType, number> = { view: 1, cart: 2, purchase: 3, rating: 1 };

/** Events after which an item is not recommended to that user again. */
export const EXCLUDING_EVENTS: ReadonlySet<EventType> = new Set(['purchase', 'rating']);
