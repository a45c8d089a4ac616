import { z } from 'zod';

const userId = z.string().trim().min(1).max(256);

export const createSessionBody = z.object({ user_id: userId.optional() }).strict();

export const messageBody = (maxChars: number) =>
  z.object({
    text: z.string().trim().min(1).max(maxChars),
    user_id: userId.optional(),
  });

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
});
