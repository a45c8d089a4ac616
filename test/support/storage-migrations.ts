// The migrations the storage contract applies (no vitest here: a child process imports it).
import { chatMigrations } from '../../services/chat/chat.migrations.ts';
import { catalogMigrations } from '../../services/recommend/catalog/catalog.migrations.ts';
import { itemVectorMigrations } from '../../services/recommend/embedding/item-vector.repository.ts';
import { authMigrations } from '../../shared/auth/api-key.repository.ts';
import type { Migration } from '../../shared/storage/index.ts';

/** A table for probing the layer itself: one column of each kind the repositories use. */
export const probeMigrations: readonly Migration[] = [
  {
    id: 'test-001-probe',
    statements: (dialect) => [
      `CREATE TABLE probe (
        id TEXT PRIMARY KEY,
        n INTEGER,
        big BIGINT,
        x DOUBLE PRECISION,
        flag INTEGER,
        note TEXT,
        data ${dialect === 'postgres' ? 'BYTEA' : 'BLOB'}
      )`,
    ],
  },
];

/** Every migration Affinity has, in the order its processes apply them. */
export const appMigrations: readonly Migration[] = [...catalogMigrations, ...itemVectorMigrations, ...chatMigrations, ...authMigrations];
