import type { PersonalDataSource } from '../../shared/privacy/index.ts';
import type { FeedbackRepository, UserFeedback } from './feedback/feedback.repository.ts';
import type { SessionState, SessionStore, Turn } from './sessions/session-store.ts';

/** A user's chat session as exported: its live state and its transcript (masked as stored). */
export interface ExportedSession extends Omit<SessionState, 'turns'> {
  session_id: string;
  turns: Turn[];
}

export interface ChatExport {
  sessions: ExportedSession[];
  feedback: UserFeedback[];
}

/**
 * What the chat stores about a user: sessions and transcripts in Redis (found through the
 * user's session index) and intent corrections in the database (by user id, or by one of the
 * user's sessions).
 */
export function chatPersonalData(sessions: SessionStore, feedback: FeedbackRepository): PersonalDataSource {
  return {
    name: 'chat',
    async exportUser(userId): Promise<ChatExport> {
      const ids = await sessions.sessionsOf(userId);
      const found = await Promise.all(
        ids.map(async (id) => {
          const [state, turns] = await Promise.all([sessions.load(id), sessions.transcript(id)]);
          if (!state || !turns) return [];
          const { turns: _count, ...rest } = state;
          return [{ session_id: id, ...rest, turns }];
        }),
      );
      return { sessions: found.flat(), feedback: await feedback.ofUser(userId, ids) };
    },
    async eraseUser(userId) {
      // the sessions first, then the corrections (by user, and by the sessions the index named):
      // a correction being recorded meanwhile finds its session gone and takes itself back
      // (DialogService.feedback), or was written before and is deleted here
      const ids = await sessions.sessionsOf(userId);
      const erased = await sessions.eraseUser(userId);
      const corrections = await feedback.deleteOfUser(userId, ids);
      return { chat_sessions: erased.sessions, chat_turns: erased.turns, chat_feedback: corrections };
    },
  };
}
