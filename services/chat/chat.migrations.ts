import type { Migration } from '../../shared/storage/index.ts';

/** Knowledge base and intent feedback tables; SQL both SQLite and PostgreSQL accept. */
export const chatMigrations: readonly Migration[] = [
  {
    id: 'chat-001-kb-and-feedback',
    statements: [
      `CREATE TABLE kb_entries (
        id TEXT PRIMARY KEY,
        questions TEXT NOT NULL,
        answer TEXT NOT NULL,
        intent TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX kb_entries_intent ON kb_entries (intent)',
      `CREATE TABLE chat_feedback (
        session_id TEXT NOT NULL,
        message_index INTEGER NOT NULL,
        text TEXT NOT NULL,
        predicted_intent TEXT,
        intent TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (session_id, message_index)
      )`,
    ],
  },
  {
    // whose message a correction is (erasure and export find it), and its age (retention)
    id: 'chat-002-feedback-user',
    statements: [
      'ALTER TABLE chat_feedback ADD COLUMN user_id TEXT',
      'CREATE INDEX chat_feedback_user ON chat_feedback (user_id)',
      'CREATE INDEX chat_feedback_created ON chat_feedback (created_at)',
    ],
  },
  {
    // question embeddings, so that a start or a reload reads them instead of embedding again
    id: 'chat-003-kb-question-vectors',
    statements: (dialect) => [
      `CREATE TABLE kb_question_vectors (
        model TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector ${dialect === 'postgres' ? 'BYTEA' : 'BLOB'} NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (model, text_hash)
      )`,
    ],
  },
];
