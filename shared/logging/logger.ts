import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines on stdout (pino). Secrets are redacted by path.
 * @example const log = createLogger({ level: 'info' }); log.info({ port }, 'listening')
 */
export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'affinity',
    level: opts.level ?? 'info',
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.HF_TOKEN', '*.password', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}
