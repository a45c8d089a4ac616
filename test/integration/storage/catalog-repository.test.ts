import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogMigrations } from '../../../services/recommend/catalog/catalog.migrations.ts';
import { CatalogRepository } from '../../../services/recommend/catalog/catalog.repository.ts';
import { openSqlite, type SqlDatabase } from '../../../shared/storage/index.ts';

// The storage contract, on a real SQLite file. (PostgreSQL joins this suite with its backend.)
describe('CatalogRepository on SQLite', () => {
  let dir: string;
  let db: SqlDatabase;
  let repo: CatalogRepository;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-db-'));
    db = openSqlite({ file: path.join(dir, 'affinity.db') });
    await db.migrate(catalogMigrations);
    repo = new CatalogRepository(db);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const item = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Item ${id}`, in_stock: true, ...extra });

  it('upserts items, telling created from updated, and reads them back', async () => {
    expect(await repo.upsertItems([item('a', { price: 5, attributes: { color: 'red' } }), item('b')])).toEqual({ created: ['a', 'b'], updated: [] });
    expect(await repo.upsertItems([item('a', { title: 'New A' }), item('c')])).toEqual({ created: ['c'], updated: ['a'] });
    const a = await repo.getItem('a');
    expect(a).toMatchObject({ id: 'a', title: 'New A', price: null, in_stock: true, attributes: {} });
    expect(await repo.countItems()).toBe(3);
  });

  it('rejects a batch with a duplicate id and writes nothing', async () => {
    await expect(repo.upsertItems([item('x'), item('y'), item('x')])).rejects.toMatchObject({ code: 'DUPLICATE_ID_IN_BATCH' });
    expect(await repo.countItems()).toBe(0);
  });

  it('refuses a whole event batch naming an unknown item', async () => {
    await repo.upsertItems([item('a')]);
    await expect(
      repo.insertEvents([
        { user_id: 'u', item_id: 'a', type: 'view' },
        { user_id: 'u', item_id: 'ghost', type: 'view' },
      ]),
    ).rejects.toMatchObject({ code: 'EVENT_ITEM_UNKNOWN', details: { item_ids: ['ghost'] } });
    expect(await repo.countEvents()).toBe(0);
  });

  it('stores an event_id once, however often it is retried', async () => {
    await repo.upsertItems([item('a')]);
    const batch = [
      { user_id: 'u', item_id: 'a', type: 'purchase' as const, event_id: 'e1', timestamp: 1000 },
      { user_id: 'u', item_id: 'a', type: 'rating' as const, value: 4, event_id: 'e2', timestamp: '2026-01-01T00:00:00Z' },
    ];
    expect(await repo.insertEvents(batch)).toEqual({ accepted: 2, duplicates: 0 });
    expect(await repo.insertEvents(batch)).toEqual({ accepted: 0, duplicates: 2 });
    const events = await repo.userEvents('u');
    expect(events.map((e) => [e.type, e.ts])).toEqual([
      ['purchase', 1000],
      ['rating', Date.parse('2026-01-01T00:00:00Z')],
    ]);
  });

  it('deletes items but keeps their events as history', async () => {
    await repo.upsertItems([item('a')]);
    await repo.insertEvents([{ user_id: 'u', item_id: 'a', type: 'view' }]);
    expect(await repo.deleteItem('a')).toBe(true);
    expect(await repo.deleteItem('a')).toBe(false);
    expect(await repo.getItem('a')).toBeUndefined();
    expect(await repo.countEvents()).toBe(1);
  });

  it('keeps acknowledged writes after the connection is closed and reopened', async () => {
    await repo.upsertItems([item('durable')]);
    await db.close();
    db = openSqlite({ file: path.join(dir, 'affinity.db') });
    await db.migrate(catalogMigrations);
    repo = new CatalogRepository(db);
    expect((await repo.getItem('durable'))?.title).toBe('Item durable');
  });

  it('rolls back a transaction that throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id, title, created_at, updated_at) VALUES ('t', 'T', 0, 0)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await repo.getItem('t')).toBeUndefined();
  });
});
