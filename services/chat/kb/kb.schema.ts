import { z } from 'zod';

const label = z.string().trim().min(1).max(200);

/** One FAQ entry: question variants, an answer that may hold `{{placeholders}}`, an optional intent and tags. */
export const kbEntry = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.:@-]+$/, 'letters, digits and . : @ _ - only'),
  questions: z.array(z.string().trim().min(1).max(1000)).min(1).max(500),
  answer: z.string().trim().min(1).max(20_000),
  intent: label.optional(),
  tags: z.array(label).max(50).optional(),
});

export type KbEntryInput = z.infer<typeof kbEntry>;

export const kbUpsertBody = z.object({ entries: z.array(kbEntry).min(1) });

export const kbSearchQuery = z.object({
  q: z.string().trim().min(1).max(2000),
  k: z.coerce.number().int().min(1).max(100).default(5),
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
