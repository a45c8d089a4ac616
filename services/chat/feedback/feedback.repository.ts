import type { SqlDatabase } from '../../../shared/storage/index.ts';

/** A corrected intent for one customer message. */
export interface IntentFeedback {
  session_id: string;
  message_index: number;
  /** The message as stored: personal data masked. */
  text: string;
  /** What the model in service said at the time. */
  predicted_intent: string | null;
  /** What it should have said. */
  intent: string;
  created_at: number;
}

/** A correction with the user whose message it is (null: an anonymous session). */
export interface UserFeedback extends IntentFeedback {
  user_id: string | null;
}

const COLUMNS = 'session_id, message_index, text, predicted_intent, intent, created_at';
/** SQLite caps bound parameters per statement; chunk `IN (…)` lists below it. */
const CHUNK = 500;
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const toFeedback = <T extends IntentFeedback>(r: T): T => ({ ...r, message_index: Number(r.message_index), created_at: Number(r.created_at) });

/** Corrected intents, durable in the SQL database; a second correction of a message replaces the first. */
export class FeedbackRepository {
  constructor(private readonly db: SqlDatabase) {}

  async record(f: Omit<IntentFeedback, 'created_at'> & { user_id?: string | null }, now = Date.now()): Promise<IntentFeedback> {
    await this.db.run(
      `INSERT INTO chat_feedback (session_id, message_index, text, predicted_intent, intent, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, message_index) DO UPDATE SET intent = excluded.intent, created_at = excluded.created_at,
         user_id = COALESCE(excluded.user_id, chat_feedback.user_id)`,
      [f.session_id, f.message_index, f.text, f.predicted_intent, f.intent, now, f.user_id ?? null],
    );
    return { session_id: f.session_id, message_index: f.message_index, text: f.text, predicted_intent: f.predicted_intent, intent: f.intent, created_at: now };
  }

  /**
   * Gives a session's corrections recorded before it had a user that user (a shopper who logs
   * in mid-chat), so that an erasure by user id finds them after the session has expired.
   */
  async assignUser(sessionId: string, userId: string): Promise<number> {
    return (await this.db.run('UPDATE chat_feedback SET user_id = ? WHERE session_id = ? AND user_id IS NULL', [userId, sessionId])).changes;
  }

  /** Whether some earlier correction already names `intent` (a label feedback introduced). */
  async hasIntent(intent: string): Promise<boolean> {
    return (await this.db.get<{ one: number }>('SELECT 1 AS one FROM chat_feedback WHERE intent = ? LIMIT 1', [intent])) !== undefined;
  }

  /** Every correction, oldest first (the intent training set's extra examples). */
  async all(): Promise<IntentFeedback[]> {
    const rows = await this.db.all<IntentFeedback>(`SELECT ${COLUMNS} FROM chat_feedback ORDER BY created_at, session_id, message_index`);
    return rows.map(toFeedback);
  }

  /** The corrections of a user's messages: recorded with their id, or in one of `sessionIds`. */
  async ofUser(userId: string, sessionIds: readonly string[] = []): Promise<UserFeedback[]> {
    const found = new Map<string, UserFeedback>();
    const add = (rows: UserFeedback[]) => {
      for (const r of rows) found.set(`${r.session_id}\u0000${r.message_index}`, toFeedback(r));
    };
    add(await this.db.all<UserFeedback>(`SELECT ${COLUMNS}, user_id FROM chat_feedback WHERE user_id = ?`, [userId]));
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      const part = sessionIds.slice(i, i + CHUNK);
      add(await this.db.all<UserFeedback>(`SELECT ${COLUMNS}, user_id FROM chat_feedback WHERE session_id IN (${placeholders(part.length)})`, part));
    }
    return [...found.values()].sort((a, b) => a.created_at - b.created_at || (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : a.message_index - b.message_index));
  }

  /** Deletes the corrections `ofUser` finds; returns how many. */
  async deleteOfUser(userId: string, sessionIds: readonly string[] = []): Promise<number> {
    return this.db.transaction(async (tx) => {
      let n = (await tx.run('DELETE FROM chat_feedback WHERE user_id = ?', [userId])).changes;
      for (let i = 0; i < sessionIds.length; i += CHUNK) {
        const part = sessionIds.slice(i, i + CHUNK);
        n += (await tx.run(`DELETE FROM chat_feedback WHERE session_id IN (${placeholders(part.length)})`, part)).changes;
      }
      return n;
    });
  }

  /** Deletes the corrections recorded strictly before `cutoffMs`; returns how many. */
  /** Deletes the correction of one message; true if there was one. */
  async deleteOne(sessionId: string, messageIndex: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM chat_feedback WHERE session_id = ? AND message_index = ?', [sessionId, messageIndex])).changes > 0;
  }

  async deleteBefore(cutoffMs: number): Promise<number> {
    return (await this.db.run('DELETE FROM chat_feedback WHERE created_at < ?', [cutoffMs])).changes;
  }
}
