import type { DialogAction, DialogReason, PolicyMemory, SentimentLabel } from '../dialog/dialog-policy.ts';
import type { Slots } from '../dialog/slot-extractor.ts';

/** What a session remembers between messages. */
export interface SessionState extends PolicyMemory {
  user_id: string | null;
  /** Every slot learnt so far; a later value replaces an earlier one. */
  slots: Slots;
  /** Messages answered so far (the next message's index). */
  turns: number;
  handoffs: number;
  created_at: number;
  updated_at: number;
}

export type Source =
  | { kind: 'kb'; id: string; intent: string | null; unfilled: string[] }
  | { kind: 'product'; id: string; title: string; price: number | null; reason?: string };

/**
 * One exchange: the customer's message and the bot's reply, with what the models said. As
 * stored, its texts and slots have personal data masked (PII_REDACT); the session state keeps
 * the slots' values for the live dialog.
 */
export interface Turn {
  index: number;
  at: number;
  text: string;
  reply: string;
  action: DialogAction;
  reason: DialogReason;
  intent: string;
  confidence: number;
  alternatives: Array<{ intent: string; confidence: number }>;
  sentiment: { label: SentimentLabel; confidence: number };
  /** Slots found in this message alone. */
  slots: Slots;
  sources: Source[];
}

export type AppendOutcome = 'ok' | 'conflict' | 'missing';

/**
 * Chat sessions with a time to live that every message renews. Writes are compare-and-set on
 * the turn count, so two messages racing on one session cannot both build on the same state.
 */
export interface SessionStore {
  readonly ttlSeconds: number;
  create(state: SessionState): Promise<string>;
  /** The state, or undefined when the session is unknown or expired. */
  load(id: string): Promise<SessionState | undefined>;
  /** The transcript, or undefined when the session is unknown or expired. */
  transcript(id: string): Promise<Turn[] | undefined>;
  /** Records `turn` and the new state if the session still has `expectedTurns` turns; renews the TTL. */
  append(id: string, expectedTurns: number, state: SessionState, turn: Turn): Promise<AppendOutcome>;
  /**
   * The sessions created with, or later given, this user id: every one still live, and maybe
   * some that expired lately (the index outlives them by up to the TTL).
   */
  sessionsOf(userId: string): Promise<string[]>;
  /**
   * Deletes the user's sessions with their transcripts: how many were live, how many turns
   * they held, and every session id the user was known by (live or expired).
   */
  eraseUser(userId: string): Promise<{ sessions: number; turns: number; sessionIds: string[] }>;
}
