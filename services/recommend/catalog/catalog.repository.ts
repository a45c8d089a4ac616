import { appError } from '../../../shared/errors/index.ts';
import { inIdOrder, type SqlDatabase } from '../../../shared/storage/index.ts';
import type { EventInput, EventType, Item, ItemInput, StoredEvent } from './catalog.schema.ts';

interface ItemRow {
  id: string;
  title: string;
  description: string | null;
  category: string | null;
  price: number | null;
  in_stock: number;
  attributes: string;
  created_at: number;
  updated_at: number;
}

const toItem = (r: ItemRow): Item => ({
  id: r.id,
  title: r.title,
  description: r.description,
  category: r.category,
  price: r.price,
  in_stock: r.in_stock === 1,
  attributes: JSON.parse(r.attributes) as Item['attributes'],
  created_at: new Date(Number(r.created_at)).toISOString(),
  updated_at: new Date(Number(r.updated_at)).toISOString(),
});

/** SQLite caps bound parameters per statement; chunk `IN (…)` lists below it. */
const CHUNK = 500;
/** Events per INSERT: 7 parameters each, far below either database's limit on parameters. */
const EVENT_ROWS_PER_STATEMENT = 500;
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Items and interaction events, over whichever SQL database is configured. Batches are
 * validated before anything is written and written in one transaction: a rejected batch
 * changes nothing, an acknowledged one is on disk.
 */
export class CatalogRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Inserts or replaces items; returns which ids were new. */
  async upsertItems(items: readonly ItemInput[], now = Date.now()): Promise<{ created: string[]; updated: string[] }> {
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.id)) throw appError('DUPLICATE_ID_IN_BATCH', `item id "${it.id}" appears twice in the batch`, { id: it.id });
      seen.add(it.id);
    }
    return this.db.transaction(async (tx) => {
      const created = new Set<string>();
      for (const it of inIdOrder(items)) {
        const fields = [it.title, it.description ?? null, it.category ?? null, it.price ?? null, it.in_stock ? 1 : 0, JSON.stringify(it.attributes ?? {})];
        // an insert that finds the id taken (here, or by a concurrent batch that committed
        // first: PostgreSQL waits for it) is an update; a check read before writing would miss
        // a concurrent batch's rows and count them as created twice
        const inserted = await tx.run(
          `INSERT INTO items (id, title, description, category, price, in_stock, attributes, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [it.id, ...fields, now, now],
        );
        if (inserted.changes > 0) {
          created.add(it.id);
          continue;
        }
        const updated = await tx.run('UPDATE items SET title = ?, description = ?, category = ?, price = ?, in_stock = ?, attributes = ?, updated_at = ? WHERE id = ?', [...fields, now, it.id]);
        // deleted by a concurrent DELETE in between: it is created again
        if (updated.changes === 0) {
          await tx.run('INSERT INTO items (id, title, description, category, price, in_stock, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [it.id, ...fields, now, now]);
          created.add(it.id);
        }
      }
      const ids = items.map((i) => i.id);
      return { created: ids.filter((id) => created.has(id)), updated: ids.filter((id) => !created.has(id)) };
    });
  }

  async getItem(id: string): Promise<Item | undefined> {
    const row = await this.db.get<ItemRow>('SELECT * FROM items WHERE id = ?', [id]);
    return row && toItem(row);
  }

  /** The items among `ids` that exist, in no particular order. */
  async getItems(ids: readonly string[]): Promise<Item[]> {
    const out: Item[] = [];
    for (const part of chunks(ids)) {
      const rows = await this.db.all<ItemRow>(`SELECT * FROM items WHERE id IN (${placeholders(part.length)})`, part);
      out.push(...rows.map(toItem));
    }
    return out;
  }

  /** Every item, in id order (for training and index builds). */
  async allItems(): Promise<Item[]> {
    return (await this.db.all<ItemRow>('SELECT * FROM items ORDER BY id')).map(toItem);
  }

  async countItems(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM items');
    return Number(r?.n ?? 0);
  }

  /** Deletes an item; false if there was none. Its events stay (they are the users' history). */
  async deleteItem(id: string): Promise<boolean> {
    const r = await this.db.transaction((tx) => tx.run('DELETE FROM items WHERE id = ?', [id]));
    return r.changes > 0;
  }

  /**
   * Stores events; every item must exist, or the whole batch is refused. An `event_id` seen
   * before is skipped (a retried batch is not stored twice).
   */
  async insertEvents(events: readonly EventInput[], now = Date.now()): Promise<{ accepted: number; duplicates: number }> {
    const ids = new Set<string>();
    for (const e of events) {
      if (e.event_id === undefined) continue;
      if (ids.has(e.event_id)) throw appError('DUPLICATE_ID_IN_BATCH', `event_id "${e.event_id}" appears twice in the batch`, { event_id: e.event_id });
      ids.add(e.event_id);
    }
    return this.db.transaction(async (tx) => {
      const wanted = [...new Set(events.map((e) => e.item_id))];
      const known = new Set<string>();
      for (const part of chunks(wanted)) {
        for (const r of await tx.all<{ id: string }>(`SELECT id FROM items WHERE id IN (${placeholders(part.length)})`, part)) known.add(r.id);
      }
      const unknown = wanted.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw appError('EVENT_ITEM_UNKNOWN', `${unknown.length} event(s) refer to items not in the catalog: ${unknown.slice(0, 5).join(', ')}`, {
          item_ids: unknown.slice(0, 100),
        });
      }
      // Two batches naming the same event ids in different orders would each wait for a row the
      // other inserted (a deadlock on PostgreSQL, where writers run at once). Locks on the ids'
      // hashes, taken in hash order, serialise such batches without reordering the events: their
      // order is their sequence. SQLite has one writer at a time.
      if (tx.dialect === 'postgres' && ids.size > 0) {
        await tx.all(
          'SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(x) AS h FROM json_array_elements_text(?::json) AS x) AS d ORDER BY h',
          [JSON.stringify([...ids])],
        );
      }
      // many rows per statement (a round trip each on PostgreSQL: ML-100K took 15 s one row at a
      // time); the rows of a statement take their sequence numbers in the order given
      let accepted = 0;
      for (const part of chunks(events, EVENT_ROWS_PER_STATEMENT)) {
        const values = part.flatMap((e) => {
          const ts = e.timestamp === undefined ? now : typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp);
          return [e.event_id ?? null, e.user_id, e.item_id, e.type, e.value ?? null, ts, now];
        });
        const r = await tx.run(
          `INSERT INTO events (event_id, user_id, item_id, type, value, ts, received_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (event_id) DO NOTHING`,
          values,
        );
        accepted += r.changes;
      }
      return { accepted, duplicates: events.length - accepted };
    });
  }

  /**
   * A cheap fingerprint of a user's events: how many there are and the newest sequence number.
   * Events are only ever appended (with increasing `seq`) or deleted, so any change to a user's
   * history changes one of the two (read from the index alone).
   */
  async userEventsState(userId: string): Promise<{ count: number; lastSeq: number }> {
    const row = await this.db.get<{ n: number | string; last: number | string | null }>('SELECT COUNT(*) AS n, MAX(seq) AS last FROM events WHERE user_id = ?', [userId]);
    return { count: Number(row?.n ?? 0), lastSeq: Number(row?.last ?? 0) };
  }

  /** A user's events, oldest first (at most `limit`, the most recent ones). */
  async userEvents(userId: string, limit = 1000): Promise<StoredEvent[]> {
    const rows = await this.db.all<StoredEvent>(
      'SELECT seq, user_id, item_id, type, value, ts FROM events WHERE user_id = ? ORDER BY ts DESC, seq DESC LIMIT ?',
      [userId, limit],
    );
    return rows.reverse().map((r) => ({ ...r, seq: Number(r.seq), ts: Number(r.ts) }));
  }

  /** A user's events with a sequence number above `afterSeq`, in arrival order: what was appended since. */
  async userEventsAfter(userId: string, afterSeq: number): Promise<StoredEvent[]> {
    const rows = await this.db.all<StoredEvent>('SELECT seq, user_id, item_id, type, value, ts FROM events WHERE user_id = ? AND seq > ? ORDER BY seq', [userId, afterSeq]);
    return rows.map((r) => ({ ...r, seq: Number(r.seq), ts: Number(r.ts) }));
  }

  /** Every event of a user, in arrival order (an export). */
  async eventsOfUser(userId: string): Promise<Array<StoredEvent & { event_id: string | null; received_at: number }>> {
    const rows = await this.db.all<StoredEvent & { event_id: string | null; received_at: number }>(
      'SELECT seq, event_id, user_id, item_id, type, value, ts, received_at FROM events WHERE user_id = ? ORDER BY seq',
      [userId],
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), ts: Number(r.ts), received_at: Number(r.received_at) }));
  }

  /** Deletes every event of a user (an erasure); returns how many. */
  async deleteUserEvents(userId: string): Promise<number> {
    return (await this.db.transaction((tx) => tx.run('DELETE FROM events WHERE user_id = ?', [userId]))).changes;
  }

  /** Deletes the events whose timestamp is strictly before `cutoffMs` (retention); returns how many. */
  async deleteEventsBefore(cutoffMs: number): Promise<number> {
    return (await this.db.transaction((tx) => tx.run('DELETE FROM events WHERE ts < ?', [cutoffMs]))).changes;
  }

  /** Every event, in arrival order (for training). */
  async allEvents(): Promise<StoredEvent[]> {
    const rows = await this.db.all<StoredEvent>('SELECT seq, user_id, item_id, type, value, ts FROM events ORDER BY seq');
    return rows.map((r) => ({ ...r, seq: Number(r.seq), ts: Number(r.ts), type: r.type as EventType }));
  }

  /** Items with the most events since `sinceMs`, most first (the fallback before any model is trained). */
  async popularItemIds(limit: number, sinceMs = 0): Promise<string[]> {
    const rows = await this.db.all<{ item_id: string }>(
      'SELECT item_id FROM events WHERE ts >= ? GROUP BY item_id ORDER BY COUNT(*) DESC, item_id LIMIT ?',
      [sinceMs, limit],
    );
    return rows.map((r) => r.item_id);
  }

  async countEvents(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM events');
    return Number(r?.n ?? 0);
  }
}
