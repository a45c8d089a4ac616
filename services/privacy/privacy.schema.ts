import { z } from 'zod';
import { entityId } from '../../shared/http/index.ts';

/** A user id: the same rule as the events and chat routes (one schema for all three). */
export const userId = entityId;

export const userParams = z.object({ id: userId });

export const erasureResponse = z
  .strictObject({
    user_id: z.string(),
    /** Rows, sessions and turns removed, by kind; zeros when there was nothing (a repeated call). */
    erased: z.strictObject({
      events: z.number().int(),
      chat_sessions: z.number().int(),
      chat_turns: z.number().int(),
      chat_feedback: z.number().int(),
    }),
  })
  .meta({ id: 'UserErasure' });

const slots = z.record(z.string(), z.unknown());

const exportedEvent = z.strictObject({
  seq: z.number().int(),
  event_id: z.string().nullable(),
  user_id: z.string(),
  item_id: z.string(),
  type: z.string(),
  value: z.number().nullable(),
  /** Epoch milliseconds. */
  ts: z.number().int(),
  received_at: z.number().int(),
});

const exportedTurn = z
  .object({
    index: z.number().int(),
    at: z.number().int(),
    /** As stored: personal data masked. */
    text: z.string(),
    reply: z.string(),
    slots,
  })
  .loose();

const exportedSession = z
  .object({
    session_id: z.string(),
    user_id: z.string().nullable(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
    /** The live session's slots (kept only while the session lives). */
    slots,
    turns: z.array(exportedTurn),
  })
  .loose();

const exportedFeedback = z.strictObject({
  session_id: z.string(),
  message_index: z.number().int(),
  text: z.string(),
  predicted_intent: z.string().nullable(),
  intent: z.string(),
  created_at: z.number().int(),
  user_id: z.string().nullable(),
});

export const exportResponse = z
  .strictObject({
    user_id: z.string(),
    exported_at: z.iso.datetime(),
    /** Interaction events, oldest first. */
    events: z.array(exportedEvent),
    chat: z.strictObject({
      /** Live chat sessions with their transcripts (expired ones are gone). */
      sessions: z.array(exportedSession),
      /** Intent corrections of the user's messages (training examples). */
      feedback: z.array(exportedFeedback),
    }),
  })
  .meta({ id: 'UserExport' });
