import type { Redactor } from '../privacy/pii-redactor.ts';

/** Where pino writes its lines: anything with `write` (stdout's SonicBoom, a test's buffer). */
export interface LogDestination {
  write(line: string): unknown;
  flush?(cb?: (err?: Error) => void): void;
  flushSync?(): void;
}

/** A JSON string literal, escapes included: outside strings a JSON line has no quotes. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
/**
 * What precedes the ids the service's own lines carry: a request's (request-log.ts binds `req:
 * { id, method, url }`) and a job's (job-worker.ts binds `jobId`, a scheduled run's holding its
 * time in ms: `train-repeat:nightly:1732500000000`). They correlate lines; no customer wrote them.
 */
const OWN_ID_KEYS = ['"req":{"id":', '"jobId":'];
/** Only literals with a digit or an `@` can hold an e-mail, phone, card or address. */
const MAYBE_PII = /[\d@]/;

/**
 * Masks personal data in every string value of one JSON log line: the message, bound fields
 * (a request's URL and its query), error messages and stacks. Numbers, booleans and nulls are
 * left alone (times, pids and durations are no phone numbers), and so is a request's id; a line without any change is
 * returned as it came.
 * @example redactLogLine('{"msg":"mail jo@example.com"}\n', createRedactor()) // '{"msg":"mail [email]"}\n'
 */
export function redactLogLine(line: string, redact: Redactor): string {
  if (redact.kinds.length === 0) return line;
  return line.replace(STRING_LITERAL, (literal: string, offset: number) => {
    if (!MAYBE_PII.test(literal)) return literal;
    // a request or job id is how lines are correlated: a numeric one (`1700000000123`) is no phone number
    if (OWN_ID_KEYS.some((key) => line.startsWith(key, offset - key.length))) return literal;
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      return literal;
    }
    let masked = redact(value);
    // a URL's query (`?q=jo%40example.com`) shows its text encoded: mask it decoded too, after
    // what was readable as it came (one query may hold a plain e-mail and an encoded card)
    if (/%[0-9a-f]{2}|\+/i.test(masked)) {
      const decoded = lenientDecode(masked);
      const again = redact(decoded);
      if (again !== decoded) masked = again;
    }
    return masked === value ? literal : JSON.stringify(masked);
  });
}

/** Percent-decodes every run of escapes that decodes (and `+` as a space), leaving malformed ones (`50%`, `%ZZ`) as they are. */
function lenientDecode(s: string): string {
  return s.replace(/\+/g, ' ').replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
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
