import { z } from 'zod';

/** `{ text }` or `{ texts: [...] }` (not both), and how many alternatives to return. */
export const classifyBody = (maxChars: number, maxTexts = 256) =>
  z
    .object({
      text: z.string().trim().min(1).max(maxChars).optional(),
      texts: z.array(z.string().trim().min(1).max(maxChars)).min(1).max(maxTexts).optional(),
      top_k: z.number().int().min(1).max(50).optional(),
    })
    .refine((b) => (b.text === undefined) !== (b.texts === undefined), 'give either text or texts');
