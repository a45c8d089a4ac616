/**
 * One store of personal data, as the privacy service sees it: each service that keeps data
 * about a user (events, chat sessions, feedback) provides one, and the privacy service
 * exports and erases through them all.
 */
export interface PersonalDataSource {
  /** Its part of an export (`events`, `chat`). */
  readonly name: string;
  /** Everything it stores about the user, as JSON (texts as stored: masked). */
  exportUser(userId: string): Promise<unknown>;
  /**
   * Deletes everything it stores about the user, and returns how much there was of each kind
   * (`{ events: 12 }`); nothing left to delete counts 0, so a second call returns zeros.
   */
  eraseUser(userId: string): Promise<Record<string, number>>;
  /** Drops what this process holds about the user in memory (caches); told in every serving process. */
  forgetUser?(userId: string): void;
}

/** Stored rows that age out: the purge-retention job deletes those older than a limit. */
export interface RetentionTarget {
  /** What it purges (`events`, `chat_feedback`), as the job reports it. */
  readonly name: string;
  /** Deletes the rows stamped strictly before `cutoffMs` (epoch ms); returns how many. */
  purgeBefore(cutoffMs: number): Promise<number>;
}
