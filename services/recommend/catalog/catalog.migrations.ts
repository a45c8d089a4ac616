import type { Migration } from '../../../shared/storage/index.ts';

/** Catalog and interaction tables; SQL both SQLite and PostgreSQL accept. */
export const catalogMigrations: readonly Migration[] = [
  {
    id: 'recommend-001-catalog',
    statements: (dialect) => [
      `CREATE TABLE items (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT,
        category TEXT,
        price DOUBLE PRECISION,
        in_stock INTEGER NOT NULL DEFAULT 1,
        attributes TEXT NOT NULL DEFAULT '{}',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX items_category ON items (category)',
      `CREATE TABLE events (
        seq ${dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
        event_id TEXT UNIQUE,
        user_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        type TEXT NOT NULL,
        value DOUBLE PRECISION,
        ts BIGINT NOT NULL,
        received_at BIGINT NOT NULL
      )`,
      'CREATE INDEX events_user ON events (user_id, ts)',
      'CREATE INDEX events_item ON events (item_id)',
    ],
  },
  {
    // the purge-retention job deletes events by age
    id: 'recommend-002-events-ts',
    statements: ['CREATE INDEX events_ts ON events (ts)'],
  },
];
