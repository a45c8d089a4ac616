import type { ErrorRequestHandler, RequestHandler } from 'express';
import { appError, isAppError, type AppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import { REQUEST_FAILURE, REQUEST_LOG_PENDING, type RequestFailure } from './request-log.ts';

/**
 * Maps client errors raised by express and body-parser onto our codes: body-parser's carry a
 * `type`; others carry only a 4xx `status` (a path segment that is not valid percent-encoding,
 * a gzip body that does not inflate). Those are the client's fault, so they are answered as such
 * and not logged as unhandled.
 */
function fromHttpLayer(err: { type?: string; status?: number; message?: string }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return appError('PAYLOAD_TOO_LARGE');
    case 'entity.parse.failed':
      return appError('INVALID_JSON');
    case 'entity.verify.failed':
      return appError('INVALID_JSON', err.message ?? 'The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return appError('UNSUPPORTED_MEDIA_TYPE', err.message);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return appError('VALIDATION_FAILED', err.message);
    default:
      break;
  }
  const status = typeof err.status === 'number' ? err.status : undefined;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 413) return appError('PAYLOAD_TOO_LARGE');
  if (status === 415) return appError('UNSUPPORTED_MEDIA_TYPE', err.message);
  if (err instanceof URIError) return appError('VALIDATION_FAILED', `the path is not valid percent-encoding (${err.message})`);
  return appError('VALIDATION_FAILED', `the request could not be read: ${err.message ?? 'malformed'}`);
}

/**
 * Turns any error into `{ error: { code, message } }` with the code's status. Unknown errors
 * are logged with their stack and answered as 500 INTERNAL, never with the stack. A 5xx's
 * code and reason (or the unknown error) go on requestLog's line for the request where there
 * is one, else on a line of their own.
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = isAppError(err) ? err : fromHttpLayer(err ?? {});
    const e = known ?? appError('INTERNAL');
    if (e.status >= 500) {
      const failure: RequestFailure = known ? { code: e.code, reason: e.message } : { code: e.code, err };
      // where requestLog will write the request's line, the failure goes on that line: one line per failed request
      if (res.locals[REQUEST_LOG_PENDING] === true) res.locals[REQUEST_FAILURE] = failure;
      else if (!known) (req.log ?? log).error(failure, 'unhandled error');
      else (req.log ?? log).warn(failure, 'request failed');
    }
    if (res.headersSent) return;
    const body: { code: string; message: string; details?: Record<string, unknown> } = { code: e.code, message: e.message };
    if (e.details) body.details = e.details;
    res.status(e.status).json({ error: body });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(appError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
