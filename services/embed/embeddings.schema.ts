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

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string; truncated: boolean }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
