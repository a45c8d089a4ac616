import type { Redactor } from '../privacy/pii-redactor.ts';

/** Where pino writes its lines: anything with `write` (stdout's SonicBoom, a test's buffer). */
export interface LogDestination {
  write(line: string): unknown;
  flush?(cb?: (err?: Error) => void): void;
  flushSync?(): void;
}

/** A JSON string literal, escapes included: outside strings a JSON line has no quotes. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
/** Only literals with a digit or an `@` can hold an e-mail, phone, card or address. */
const MAYBE_PII = /[\d@]/;

/**
 * Masks personal data in every string value of one JSON log line: the message, bound fields
 * (a request's URL and its query), error messages and stacks. Numbers, booleans and nulls are
 * left alone (times, pids and durations are no phone numbers); a line without any change is
 * returned as it came.
 * @example redactLogLine('{"msg":"mail jo@example.com"}\n', createRedactor()) // '{"msg":"mail [email]"}\n'
 */
export function redactLogLine(line: string, redact: Redactor): string {
  if (redact.kinds.length === 0) return line;
  return line.replace(STRING_LITERAL, (literal) => {
    if (!MAYBE_PII.test(literal)) return literal;
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      return literal;
    }
    let masked = redact(value);
    // a URL's query (`?q=jo%40example.com`) shows its text encoded: mask it decoded
    if (masked === value && /%[0-9a-f]{2}|\+/i.test(value)) {
      const decoded = safeDecode(value);
      if (decoded !== undefined && redact(decoded) !== decoded) masked = redact(decoded);
    }
    return masked === value ? literal : JSON.stringify(masked);
  });
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * A destination that masks personal data in each line before handing it to `inner`: no
 * customer's e-mail, phone, card or address reaches the logs, whichever log call carried it.
 */
export function redactingDestination(inner: LogDestination, redact: Redactor): LogDestination {
  if (redact.kinds.length === 0) return inner;
  const out: LogDestination = { write: (line: string) => inner.write(redactLogLine(line, redact)) };
  if (inner.flush) out.flush = (cb) => inner.flush!(cb);
  if (inner.flushSync) out.flushSync = () => inner.flushSync!();
  return out;
}
