import { inIdOrder, type SqlDatabase } from '../../../shared/storage/index.ts';
import type { KbEntry, KbEntryInput } from './kb.schema.ts';

interface Row {
  id: string;
  questions: string;
  answer: string;
  intent: string | null;
  tags: string;
  created_at: number | string;
  updated_at: number | string;
}

const fromRow = (r: Row): KbEntry => ({
  id: r.id,
  questions: JSON.parse(r.questions) as string[],
  answer: r.answer,
  intent: r.intent,
  tags: JSON.parse(r.tags) as string[],
  created_at: Number(r.created_at),
  updated_at: Number(r.updated_at),
});

/** Knowledge base entries in the SQL database: durable once a call resolves. */
export class KbRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Inserts or replaces every entry in one transaction: all are stored or none. */
  async upsertMany(entries: readonly KbEntryInput[], now = Date.now()): Promise<KbEntry[]> {
    return this.db.transaction(async (tx) => {
      for (const e of inIdOrder(entries)) {
        await tx.run(
          `INSERT INTO kb_entries (id, questions, answer, intent, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET questions = excluded.questions, answer = excluded.answer, intent = excluded.intent,
             tags = excluded.tags, updated_at = excluded.updated_at`,
          [e.id, JSON.stringify(e.questions), e.answer, e.intent ?? null, JSON.stringify(e.tags ?? []), now, now],
        );
      }
      const stored: KbEntry[] = [];
      for (const e of entries) stored.push(fromRow((await tx.get<Row>('SELECT * FROM kb_entries WHERE id = ?', [e.id]))!));
      return stored;
    });
  }

  async get(id: string): Promise<KbEntry | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM kb_entries WHERE id = ?', [id]);
    return row ? fromRow(row) : undefined;
  }

  /** The stored entries among `ids` (an id with none is left out). */
  async getMany(ids: readonly string[]): Promise<KbEntry[]> {
    const found: KbEntry[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await this.db.all<Row>(`SELECT * FROM kb_entries WHERE id IN (${part.map(() => '?').join(', ')})`, part);
      found.push(...rows.map(fromRow));
    }
    return found;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM kb_entries WHERE id = ?', [id])).changes > 0;
  }

  async all(): Promise<KbEntry[]> {
    return (await this.db.all<Row>('SELECT * FROM kb_entries ORDER BY id')).map(fromRow);
  }

  async count(): Promise<number> {
    const r = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM kb_entries');
    return Number(r?.n ?? 0);
  }
}
