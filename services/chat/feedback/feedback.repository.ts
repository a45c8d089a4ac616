import type { SqlDatabase } from '../../../shared/storage/index.ts';

/** A corrected intent for one customer message. */
export interface IntentFeedback {
  session_id: string;
  message_index: number;
  text: string;
  /** What the model in service said at the time. */
  predicted_intent: string | null;
  /** What it should have said. */
  intent: string;
  created_at: number;
}

/** Corrected intents, durable in the SQL database; a second correction of a message replaces the first. */
export class FeedbackRepository {
  constructor(private readonly db: SqlDatabase) {}

  async record(f: Omit<IntentFeedback, 'created_at'>, now = Date.now()): Promise<IntentFeedback> {
    await this.db.run(
      `INSERT INTO chat_feedback (session_id, message_index, text, predicted_intent, intent, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, message_index) DO UPDATE SET intent = excluded.intent, created_at = excluded.created_at`,
      [f.session_id, f.message_index, f.text, f.predicted_intent, f.intent, now],
    );
    return { ...f, created_at: now };
  }

  /** Every correction, oldest first. */
  async all(): Promise<IntentFeedback[]> {
    const rows = await this.db.all<IntentFeedback>('SELECT * FROM chat_feedback ORDER BY created_at, session_id, message_index');
    return rows.map((r) => ({ ...r, message_index: Number(r.message_index), created_at: Number(r.created_at) }));
  }
}
