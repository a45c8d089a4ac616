import { z } from 'zod';

/** POST /v1/embeddings, as the OpenAI embeddings API defines it (text inputs only). */
export const embeddingsRequest = z.object({
  input: z.union([z.string(), z.array(z.string())], {
    error: 'input must be a string or an array of strings (token-id inputs are not supported)',
  }),
  model: z.string().max(256).optional(),
  encoding_format: z.enum(['float', 'base64']).default('float'),
  dimensions: z.number().int().positive().optional(),
  user: z.string().max(256).optional(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

/** Its answer, as OpenAI's (plus `truncated`: whether the input was cut at the model's maximum length). */
export const embeddingsResponse = z
  .strictObject({
    object: z.literal('list'),
    data: z.array(
      z.strictObject({
        object: z.literal('embedding'),
        index: z.number().int().min(0),
        /** Floats, or their little-endian float32 bytes in base64 with `encoding_format: base64`. */
        embedding: z.union([z.array(z.number()), z.string()]),
        truncated: z.boolean(),
      }),
    ),
    model: z.string(),
    usage: z.strictObject({ prompt_tokens: z.number().int().min(0), total_tokens: z.number().int().min(0) }),
  })
  .meta({ id: 'EmbeddingsResponse' });

export type EmbeddingsResponse = z.infer<typeof embeddingsResponse>;
