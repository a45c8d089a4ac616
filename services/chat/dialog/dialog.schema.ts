import { z } from 'zod';
import { entityId as userId, wellFormed } from '../../../shared/http/index.ts';

export const createSessionBody = z.object({ user_id: userId.optional() }).strict();

export const messageBody = (maxChars: number) =>
  z.object({
    text: wellFormed(z.string().trim().min(1).max(maxChars)),
    user_id: userId.optional(),
  }).strict();

export const feedbackBody = z.object({
  session_id: z.string().min(1).max(100),
  message_index: z.number().int().min(0),
  intent: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w.:-]+$/, 'letters, digits and . : _ - only')
    .refine((s) => s !== 'unknown', '"unknown" is not an intent'),
  /** The intent is new on purpose: neither the model in service nor an earlier correction knows it. */
  new_intent: z.boolean().optional(),
}).strict();

/** The `:id` path parameter of the session routes. */
export const sessionParams = z.object({ id: z.string() });

export const createSessionResponse = z.strictObject({
  session_id: z.string(),
  /** Seconds the session lives without a message; every message renews it. */
  expires_in: z.number().int(),
});

const slots = z
  .strictObject({
    order_number: z.string().optional(),
    email: z.string().optional(),
    amount: z.strictObject({ value: z.number(), currency: z.string(), text: z.string() }).optional(),
    product: z.strictObject({ id: z.string(), title: z.string() }).optional(),
  })
  .meta({ id: 'ChatSlots', description: 'What the dialog has learnt from the messages' });

const source = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('kb'), id: z.string(), intent: z.string().nullable(), unfilled: z.array(z.string()) }),
    z.strictObject({ kind: z.literal('product'), id: z.string(), title: z.string(), price: z.number().nullable(), reason: z.string().optional() }),
  ])
  .meta({ id: 'ChatSource', description: 'A knowledge base entry or a product the reply rests on' });

/** What the models and the policy said of one message (a turn, and a reply, share it). */
const assessed = {
  reply: z.string(),
  action: z.enum(['answer', 'clarify', 'recommend', 'handoff']),
  reason: z.enum(['confident', 'suggestions_requested', 'low_confidence', 'handoff_requested', 'low_confidence_repeated', 'negative_sentiment_repeated', 'no_answer', 'small_talk']),
  intent: z.string(),
  confidence: z.number(),
  alternatives: z.array(z.strictObject({ intent: z.string(), confidence: z.number() })),
  sentiment: z.strictObject({ label: z.enum(['negative', 'neutral', 'positive']), confidence: z.number() }),
  sources: z.array(source),
};

export const messageReply = z
  .strictObject({
    session_id: z.string(),
    message_index: z.number().int(),
    ...assessed,
    /** Everything the session knows so far (this message's slots over earlier ones). */
    slots,
  })
  .meta({ id: 'ChatReply' });

const turn = z
  .strictObject({
    index: z.number().int(),
    /** Epoch milliseconds. */
    at: z.number().int(),
    text: z.string(),
    ...assessed,
    /** Slots found in this message alone. */
    slots,
  })
  .meta({ id: 'ChatTurn' });

export const transcriptResponse = z.strictObject({
  session_id: z.string(),
  user_id: z.string().nullable(),
  /** Epoch milliseconds. */
  created_at: z.number().int(),
  updated_at: z.number().int(),
  slots,
  turns: z.array(turn),
});

export const feedbackResponse = z.strictObject({
  session_id: z.string(),
  message_index: z.number().int(),
  /** The message, normalised. */
  text: z.string(),
  /** What the model in service said at the time. */
  predicted_intent: z.string().nullable(),
  intent: z.string(),
  /** Epoch milliseconds. */
  created_at: z.number().int(),
});
