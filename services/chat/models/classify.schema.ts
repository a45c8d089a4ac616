import { z } from 'zod';
import { wellFormed } from '../../../shared/http/index.ts';
import { normalizeMessage } from '../dialog/normalize.ts';

/** A text to classify: something must be left once normalised (as the chat route requires). */
const classifiable = (maxChars: number) =>
  wellFormed(z.string().trim().min(1).max(maxChars)).refine((s) => normalizeMessage(s) !== '', 'is empty once normalised (only control, format or space characters)');

/** `{ text }` or `{ texts: [...] }` (not both), and how many alternatives to return. */
export const classifyBody = (maxChars: number, maxTexts = 256) =>
  z
    .object({
      text: classifiable(maxChars).optional(),
      texts: z.array(classifiable(maxChars)).min(1).max(maxTexts).optional(),
      top_k: z.number().int().min(1).max(50).optional(),
    })
    .strict()
    .refine((b) => (b.text === undefined) !== (b.texts === undefined), 'give either text or texts');

const classification = z
  .strictObject({
    /** The likeliest label, or `unknown` below the model's out-of-scope threshold. */
    label: z.string(),
    /** Calibrated probability of the label. */
    confidence: z.number().min(0).max(1),
    /** The likeliest labels, best first (never `unknown`). */
    alternatives: z.array(z.strictObject({ label: z.string(), confidence: z.number().min(0).max(1) })),
  })
  .meta({ id: 'Classification' });

/** `{ text }` is answered with one classification, `{ texts }` with `{ results }` in order. */
export const classifyResponse = z.union([classification, z.strictObject({ results: z.array(classification) })]);
