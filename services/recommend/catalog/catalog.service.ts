import { appError } from '../../../shared/errors/index.ts';
import type { EventInput, Item, ItemInput } from './catalog.schema.ts';
import type { CatalogRepository } from './catalog.repository.ts';

/** What the rest of the recommend service hears about catalog changes (after they are durable). */
export interface CatalogListener {
  itemsUpserted?(items: readonly ItemInput[]): void;
  itemDeleted?(id: string): void;
  eventsStored?(events: readonly EventInput[]): void;
}

export interface CatalogLimits {
  maxItemsPerBatch: number;
  maxEventsPerBatch: number;
  /** How far ahead of the server's clock an event's timestamp may be, in milliseconds. */
  maxFutureSkewMs: number;
}

/**
 * Catalog writes with their limits, and notification of listeners (index refresh, caches)
 * once a write is committed.
 */
export class CatalogService {
  private readonly listeners: CatalogListener[] = [];

  constructor(
    readonly repository: CatalogRepository,
    private readonly limits: CatalogLimits,
  ) {}

  subscribe(listener: CatalogListener): void {
    this.listeners.push(listener);
  }

  async upsertItems(items: readonly ItemInput[]): Promise<{ created: string[]; updated: string[] }> {
    if (items.length > this.limits.maxItemsPerBatch) {
      throw appError('ITEMS_BATCH_TOO_LARGE', `${items.length} items in one batch; at most ${this.limits.maxItemsPerBatch}`, {
        limit: this.limits.maxItemsPerBatch,
      });
    }
    const result = await this.repository.upsertItems(items);
    for (const l of this.listeners) l.itemsUpserted?.(items);
    return result;
  }

  async getItem(id: string): Promise<Item> {
    const item = await this.repository.getItem(id);
    if (!item) throw appError('ITEM_NOT_FOUND', `no item "${id}"`, { id });
    return item;
  }

  async deleteItem(id: string): Promise<void> {
    if (!(await this.repository.deleteItem(id))) throw appError('ITEM_NOT_FOUND', `no item "${id}"`, { id });
    for (const l of this.listeners) l.itemDeleted?.(id);
  }

  async insertEvents(events: readonly EventInput[]): Promise<{ accepted: number; duplicates: number }> {
    if (events.length > this.limits.maxEventsPerBatch) {
      throw appError('EVENTS_BATCH_TOO_LARGE', `${events.length} events in one batch; at most ${this.limits.maxEventsPerBatch}`, {
        limit: this.limits.maxEventsPerBatch,
      });
    }
    const now = Date.now();
    const latest = now + this.limits.maxFutureSkewMs;
    events.forEach((e, index) => {
      if (e.timestamp === undefined) return;
      const ms = typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp);
      if (ms > latest) {
        throw appError(
          'EVENT_TIMESTAMP_IN_FUTURE',
          `event ${index} is dated ${new Date(ms).toISOString()}, after ${new Date(latest).toISOString()} (the server's clock plus ${this.limits.maxFutureSkewMs / 1000} s)`,
          { index, timestamp: new Date(ms).toISOString(), latest_allowed: new Date(latest).toISOString() },
        );
      }
    });
    const result = await this.repository.insertEvents(events, now);
    for (const l of this.listeners) l.eventsStored?.(events);
    return result;
  }
}
