import { z } from 'zod';
import { queryNumber, wellFormed } from '../../../shared/http/index.ts';

const label = wellFormed(z.string().trim().min(1).max(200));

/** What a knowledge base entry's id may hold: an id of any other shape names no entry. */
export const KB_ID = /^[\w.:@-]+$/;

/** One FAQ entry: question variants, an answer that may hold `{{placeholders}}`, an optional intent and tags. */
export const kbEntry = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(KB_ID, 'letters, digits and . : @ _ - only'),
  questions: z.array(wellFormed(z.string().trim().min(1).max(1000))).min(1).max(500),
  answer: wellFormed(z.string().trim().min(1).max(20_000)),
  intent: label.optional(),
  tags: z.array(label).max(50).optional(),
}).strict();

export type KbEntryInput = z.infer<typeof kbEntry>;

export const kbUpsertBody = z.object({ entries: z.array(kbEntry).min(1) }).strict();

export const kbSearchQuery = z.object({
  q: z.string().trim().min(1).max(2000),
  k: queryNumber(z.number().int().min(1).max(100).default(5)),
  intent: label.optional(),
});

/** An entry as stored and returned. */
export interface KbEntry {
  id: string;
  questions: string[];
  answer: string;
  intent: string | null;
  tags: string[];
  created_at: number;
  updated_at: number;
}

/** The `:id` path parameter of the entry routes. */
export const kbEntryParams = z.object({ id: z.string() });

const presentedEntry = {
  id: z.string(),
  questions: z.array(z.string()),
  answer: z.string(),
  intent: z.string().nullable(),
  tags: z.array(z.string()),
  /** Epoch milliseconds. */
  created_at: z.number().int(),
  updated_at: z.number().int(),
  /** The `{{placeholders}}` of the answer, filled from the conversation and shop values when it is given. */
  slots: z.array(z.string()),
};

/** An entry as the API shows it (see `presentEntry`): with the template slots of its answer. */
export const kbEntryResponse = z.strictObject(presentedEntry).meta({ id: 'KbEntry' });

export const kbUpsertResponse = z.strictObject({ upserted: z.number().int(), ids: z.array(z.string()) });

export const kbSearchResponse = z.strictObject({
  hits: z.array(z.strictObject({ ...presentedEntry, score: z.number(), matched: z.array(z.enum(['lexical', 'dense'])) }).meta({ id: 'KbHit' })),
});
