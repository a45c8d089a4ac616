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
 * the much dearer read and decoding of the events themselves is saved. When the change is
 * appends alone (events are only ever appended with a growing seq, or deleted), only the
 * appended events are read and merged in; a deletion makes the whole history read again.
 * @example const events = await histories.get('42'); // oldest first, at most `limit`
 */
export class UserHistoryCache {
  private readonly entries: LRUCache<string, Entry> | undefined;

  constructor(
    private readonly repo: Pick<CatalogRepository, 'userEvents' | 'userEventsState' | 'userEventsAfter'>,
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
    const events = (hit && (await this.appended(hit, state, userId))) ?? (await this.repo.userEvents(userId, this.limit));
    // read after the fingerprint: a write in between makes the next fingerprint differ
    this.entries.set(userId, { ...state, events });
    return events;
  }

  /**
   * The cached history with what was appended since merged in, when appends alone explain the
   * new fingerprint (the count grew by exactly the events read, the newest of them is the
   * newest seq); undefined otherwise. The cached events are the `limit` most recent of the old
   * history, so the most recent of them and the appended ones are those of the new history.
   */
  private async appended(hit: Entry, state: { count: number; lastSeq: number }, userId: string): Promise<readonly StoredEvent[] | undefined> {
    if (state.count <= hit.count || state.lastSeq <= hit.lastSeq) return undefined;
    const added = await this.repo.userEventsAfter(userId, hit.lastSeq);
    if (hit.count + added.length !== state.count || added.at(-1)?.seq !== state.lastSeq) return undefined;
    // oldest first, as userEvents orders them: by timestamp, then seq
    const merged = [...hit.events, ...added].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    return merged.length > this.limit ? merged.slice(merged.length - this.limit) : merged;
  }

  forget(userId: string): void {
    this.entries?.delete(userId);
  }

  /** Drops every cached history. */
  clear(): void {
    this.entries?.clear();
  }
}
