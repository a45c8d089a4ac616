import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.ts';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: a sane incoming `x-request-id`, else a UUID (sent back as `x-request-id`). */
    id?: string;
    /** The logger of this request: every line carries `req: { id, method, url }`. */
    log?: Logger;
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** `res.locals` key: true while requestLog will log the request when its response ends. */
export const REQUEST_LOG_PENDING = 'affinityRequestLogPending';
/** `res.locals` key: why the request failed with a 5xx (set by errorMiddleware), logged on the request's line. */
export const REQUEST_FAILURE = 'affinityRequestFailure';

/** A 5xx's cause: our code and reason, or the unknown error (logged with its stack). */
export interface RequestFailure {
  code: string;
  reason?: string;
  err?: unknown;
}

/** The level of the line logged when a response ends: info, warn for 4xx, error for 5xx. */
const levelOf = (status: number): 'info' | 'warn' | 'error' => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');

/**
 * Request ids and one log line per request when its response ends:
 * `{"req":{"id","method","url"},"res":{"statusCode"},"responseTime":ms,"msg":"request completed"}`
 * (`request errored` for 5xx, with the failure's `code` and `reason`, or the unknown `err` and
 * its stack, from errorMiddleware), at info, warn for 4xx, error for 5xx; `ignore` paths
 * (probes, scrapes) get no line (errorMiddleware logs their failures itself). The per-request child logger (`req.log`) is made only when something
 * logs: binding `req` serialises and redacts it, which at every request costs more than the
 * rest of this middleware, and at LOG_LEVEL=warn most requests log nothing.
 *
 * @example app.use(requestLog(log, { ignore: new Set(['/healthz']) }))
 */
export function requestLog(log: Logger, opts: { ignore?: ReadonlySet<string> } = {}): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    // the URL as received: routers rewrite req.url while they match
    const { method, url } = req;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= log.child({ req: { id, method, url } })),
    });
    // by path: a probe with a query string (`/healthz?x=1`) is still a probe
    if (opts.ignore?.has(req.path)) return next();
    const started = performance.now();
    res.locals[REQUEST_LOG_PENDING] = true;
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const status = res.statusCode;
      const level = levelOf(status);
      if (!log.isLevelEnabled(level)) return;
      const line = { res: { statusCode: status }, responseTime: Math.round(performance.now() - started) };
      if (status >= 500) req.log![level]({ ...line, ...(res.locals[REQUEST_FAILURE] as RequestFailure | undefined) }, 'request errored');
      else req.log![level](line, 'request completed');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
