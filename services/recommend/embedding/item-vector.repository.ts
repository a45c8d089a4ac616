import { blobToVector, inIdOrder, vectorToBlob, type Migration, type SqlDatabase } from '../../../shared/storage/index.ts';

/**
 * Item embeddings, stored per encoder: a worker embeds once and every serving process (and
 * every restart) reads the vectors instead of embedding again. A vector counts only for the
 * text it was made from (`text_hash`), so an edited item is embedded afresh.
 */
export const itemVectorMigrations: readonly Migration[] = [
  {
    id: 'recommend-002-item-vectors',
    statements: (dialect) => [
      `CREATE TABLE item_vectors (
        item_id TEXT NOT NULL,
        model TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector ${dialect === 'postgres' ? 'BYTEA' : 'BLOB'} NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (item_id, model)
      )`,
    ],
  },
];

export interface StoredVector {
  textHash: string;
  vector: Float32Array;
}

const CHUNK = 500;

export class ItemVectorRepository {
  constructor(private readonly db: SqlDatabase) {}

  async get(model: string, ids: readonly string[]): Promise<Map<string, StoredVector>> {
    const out = new Map<string, StoredVector>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const rows = await this.db.all<{ item_id: string; text_hash: string; vector: Buffer }>(
        `SELECT item_id, text_hash, vector FROM item_vectors WHERE model = ? AND item_id IN (${part.map(() => '?').join(', ')})`,
        [model, ...part],
      );
      for (const r of rows) out.set(r.item_id, { textHash: r.text_hash, vector: blobToVector(r.vector) });
    }
    return out;
  }

  /** Stores vectors (replacing an item's earlier one under `model`); an item no longer in the catalog gets none. */
  async put(model: string, rows: readonly { id: string; textHash: string; vector: Float32Array }[], now = Date.now()): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const r of inIdOrder(rows)) {
        await tx.run(
          // only for an item that still exists: one deleted while it was being embedded leaves no row
          `INSERT INTO item_vectors (item_id, model, text_hash, vector, updated_at)
           SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?)
           ON CONFLICT (item_id, model) DO UPDATE SET text_hash = excluded.text_hash, vector = excluded.vector, updated_at = excluded.updated_at`,
          [r.id, model, r.textHash, vectorToBlob(r.vector), now, r.id],
        );
      }
    });
  }

  /** Forgets an item's vectors under every model; returns how many rows went. */
  async remove(id: string): Promise<number> {
    return (await this.db.run('DELETE FROM item_vectors WHERE item_id = ?', [id])).changes;
  }
}
