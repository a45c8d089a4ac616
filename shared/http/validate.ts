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
  // a query parameter given twice (`?k=1&k=2`) reaches the schema as an array: say so, not "expected number, received NaN"
  const repeated = (path: readonly PropertyKey[]) => what === 'query' && path.length > 0 && Array.isArray((value as Record<PropertyKey, unknown> | undefined)?.[path[0]!]);
  const issues = result.error.issues.map((i) => ({
    path: i.path.join('.'),
    message: repeated(i.path) ? `given ${((value as Record<PropertyKey, unknown[]>)[i.path[0]!]!).length} times; give it once` : i.message,
  }));
  const first = issues[0];
  const where = first && first.path ? `${what}.${first.path}` : what;
  throw appError('VALIDATION_FAILED', `${where}: ${first?.message ?? 'invalid'}`, { issues });
}
