import type { Logger } from '../../shared/logging/logger.ts';
import type { PersonalDataSource } from '../../shared/privacy/index.ts';

/** What an erasure removed, by kind: `{ events: 12, chat_sessions: 1, chat_turns: 4, chat_feedback: 1 }`. */
export interface ErasureReport {
  user_id: string;
  erased: Record<string, number>;
}

/** Everything stored about a user: one part per source (`events`, `chat`). */
export interface UserExport {
  user_id: string;
  /** ISO 8601. */
  exported_at: string;
  [source: string]: unknown;
}

export interface PrivacyDeps {
  /** Every store of personal data; each erases and exports its own part. */
  sources: readonly PersonalDataSource[];
  /**
   * Told once the stores are erased: drops what serving processes hold in memory about the
   * user (this one and, through Redis, every other). A failure fails the erasure, which the
   * caller repeats (it is idempotent).
   */
  onErased: (userId: string) => Promise<void>;
  log: Logger;
}

/**
 * Erasure and export of one user's data across every service: the one place that knows
 * where personal data lives (docs/privacy.md lists it).
 * @example const { erased } = await privacy.erase('user-42') // { events: 12, chat_sessions: 1, … }
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyDeps) {}

  /**
   * Deletes everything stored about the user, store after store, and says how much of each
   * kind there was. Idempotent: a second call finds nothing and returns zeros. A store that
   * fails (Redis down) fails the call after the stores before it were erased; calling again
   * finishes the work.
   */
  async erase(userId: string): Promise<ErasureReport> {
    const erased: Record<string, number> = {};
    for (const source of this.deps.sources) Object.assign(erased, await source.eraseUser(userId));
    await this.deps.onErased(userId);
    // counts only: the user id is in the request's own log line
    this.deps.log.info({ erased }, 'user data erased');
    return { user_id: userId, erased };
  }

  /** Everything stored about the user, as stored (texts masked). An unknown user gets empty parts. */
  async export(userId: string): Promise<UserExport> {
    const parts = await Promise.all(this.deps.sources.map(async (s) => [s.name, await s.exportUser(userId)] as const));
    return { user_id: userId, exported_at: new Date().toISOString(), ...Object.fromEntries(parts) };
  }
}
