import { z } from 'zod';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `s` holds no lone UTF-16 surrogate. JSON can carry one (`"\ud800"`); UTF-8 cannot,
 * so SQLite, PostgreSQL and files would store it mangled (an id then matches nothing).
 */
export function isWellFormedUnicode(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

const NOT_WELL_FORMED = 'must be well-formed Unicode (no lone surrogate such as \\ud800)';

/**
 * A string schema that also refuses lone surrogates and the NUL character, which PostgreSQL
 * cannot store in a text column (SQLite can): the same text is accepted on either backend.
 */
export function wellFormed<T extends z.ZodString>(schema: T): T {
  return schema.refine(isWellFormedUnicode, NOT_WELL_FORMED).refine((s) => !s.includes('\u0000'), 'must not contain the NUL character (\\u0000)');
}

/**
 * Ids of items, users and events, the same wherever a route takes one (catalog, events, chat,
 * export and erasure): 1–256 characters, no control characters, well-formed, kept as sent
 * (not trimmed), so an id accepted by one route is found by every other.
 */
export const entityId = wellFormed(
  z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
);

/** A number as a query string writes it: decimal digits, an optional fraction and exponent. */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A numeric query parameter. A decimal string is read as its number; any other string (`0x5`,
 * `0b11`, ` 5`, `5 `) is left a string, which the number schema refuses, where JavaScript's
 * Number() read hex, binary, octal and padded digits. An empty (or blank) value (`?max_price=`, as
 * an HTML form sends an empty field) counts as not given, so that it gets its default or no
 * filter, rather than reading as 0.
 * @example const k = queryNumber(z.number().int().min(1).default(10))
 */
export function queryNumber<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    if (v.trim() === '') return undefined;
    return DECIMAL.test(v) ? Number(v) : v;
  }, schema);
}
