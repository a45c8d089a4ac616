import type { z } from 'zod';
import { appError } from '../errors/index.ts';

/**
 * Parses a request part with a zod schema; failure becomes 400 VALIDATION_FAILED with the
 * list of problems (path and message) in `details.issues`.
 * @example const body = parseOr400(embeddingsRequest, req.body)
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const where = first && first.path ? `${what}.${first.path}` : what;
  throw appError('VALIDATION_FAILED', `${where}: ${first?.message ?? 'invalid'}`, { issues });
}
