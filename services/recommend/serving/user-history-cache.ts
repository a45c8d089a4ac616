import { LRUCache } from 'lru-cache';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import type { StoredEvent } from '../catalog/catalog.schema.ts';

interface Entry {
  count: number;
  lastSeq: number;
  events: readonly StoredEvent[];
}

/**
 * Users' recent events, kept in memory and re-read only when the database says they changed.
 * Every read first asks the database for the user's (count, newest seq) — an index-only query
 * — so an event written by any process, an erasure or a retention purge is seen at once; only
 * the much dearer read and decoding of the events themselves is saved.
 * @example const events = await histories.get('42'); // oldest first, at most `limit`
 */
export class UserHistoryCache {
  private readonly entries: LRUCache<string, Entry> | undefined;

  constructor(
    private readonly repo: Pick<CatalogRepository, 'userEvents' | 'userEventsState'>,
    /** Most events read per user (the most recent ones). */
    private readonly limit: number,
    /** Users kept; 0 turns the cache off. */
    size: number,
  ) {
    this.entries = size > 0 ? new LRUCache({ max: size }) : undefined;
  }

  async get(userId: string): Promise<readonly StoredEvent[]> {
    if (!this.entries) return this.repo.userEvents(userId, this.limit);
    const state = await this.repo.userEventsState(userId);
    const hit = this.entries.get(userId);
    if (hit && hit.count === state.count && hit.lastSeq === state.lastSeq) return hit.events;
    if (state.count === 0) {
      this.entries.delete(userId);
      return [];
    }
    // read after the fingerprint: a write in between makes the next fingerprint differ
    const events = await this.repo.userEvents(userId, this.limit);
    this.entries.set(userId, { ...state, events });
    return events;
  }

  forget(userId: string): void {
    this.entries?.delete(userId);
  }
}
