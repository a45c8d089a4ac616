import { blobToVector, inIdOrder, vectorToBlob, type SqlDatabase } from '../../../shared/storage/index.ts';

const CHUNK = 500;

/**
 * Embeddings of knowledge base questions, stored per encoder (`model`: its vector space) and
 * question text (`text_hash`): every serving process, and every restart, reads them back
 * instead of embedding the whole knowledge base again.
 */
export class KbVectorRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** The stored vectors among `hashes`, by hash. */
  async get(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const part = hashes.slice(i, i + CHUNK);
      const rows = await this.db.all<{ text_hash: string; vector: Buffer }>(
        `SELECT text_hash, vector FROM kb_question_vectors WHERE model = ? AND text_hash IN (${part.map(() => '?').join(', ')})`,
        [model, ...part],
      );
      for (const r of rows) out.set(r.text_hash, blobToVector(r.vector));
    }
    return out;
  }

  /** Stores vectors; one another process stored first for the same text is kept. */
  async put(model: string, rows: readonly { hash: string; vector: Float32Array }[], now = Date.now()): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (tx) => {
      // in hash order, as every writer: two processes storing the same questions never deadlock
      for (const r of inIdOrder(rows, (row) => row.hash)) {
        await tx.run('INSERT INTO kb_question_vectors (model, text_hash, vector, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (model, text_hash) DO NOTHING', [model, r.hash, vectorToBlob(r.vector), now]);
      }
    });
  }

  /**
   * Deletes the vectors of questions no entry has any more (edited or deleted), under every
   * encoder; `before` spares what was stored since the caller read the entries.
   */
  async prune(keep: ReadonlySet<string>, before: number): Promise<number> {
    const rows = await this.db.all<{ text_hash: string }>('SELECT DISTINCT text_hash FROM kb_question_vectors WHERE created_at < ?', [before]);
    const stale = rows.map((r) => r.text_hash).filter((h) => !keep.has(h));
    let n = 0;
    for (let i = 0; i < stale.length; i += CHUNK) {
      const part = stale.slice(i, i + CHUNK);
      n += (await this.db.run(`DELETE FROM kb_question_vectors WHERE created_at < ? AND text_hash IN (${part.map(() => '?').join(', ')})`, [before, ...part])).changes;
    }
    return n;
  }
}
