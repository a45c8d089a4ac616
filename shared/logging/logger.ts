import { pino, type Logger } from 'pino';
import { createRedactor, PII_KINDS, type PiiKind } from '../privacy/pii-redactor.ts';
import { redactingDestination, type LogDestination } from './redacting-destination.ts';

export type { Logger, LogDestination };

export interface LoggerOptions {
  /** @defaultValue 'info' */
  level?: string;
  /** @defaultValue 'affinity' */
  name?: string;
  /**
   * Personal data masked in every string of every line (PII_REDACT): customers' messages,
   * search queries in URLs, error messages. @defaultValue all kinds
   */
  pii?: Iterable<PiiKind>;
  /** Where lines go. @defaultValue stdout */
  destination?: LogDestination;
}

/**
 * The process logger: JSON lines on stdout (pino). Secrets are redacted by path; personal
 * data (e-mail addresses, phone and card numbers, postal addresses) wherever it appears.
 * @example const log = createLogger({ level: 'info', pii: config.PII_REDACT }); log.info({ port }, 'listening')
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const options = {
    name: opts.name ?? 'affinity',
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.HF_TOKEN', '*.password', '*.apiKey'],
      censor: '[redacted]',
    },
  };
  // a silent logger writes nothing: no stream to open
  if (level === 'silent' && !opts.destination) return pino(options);
  const destination = opts.destination ?? pino.destination(1);
  return pino(options, redactingDestination(destination, createRedactor(opts.pii ?? PII_KINDS)));
}
