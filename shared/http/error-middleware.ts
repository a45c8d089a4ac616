import type { ErrorRequestHandler, RequestHandler } from 'express';
import { appError, isAppError, type AppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';

/** Maps body-parser failures (which carry a `type`) onto our codes. */
function fromBodyParser(err: { type?: string; status?: number; message?: string }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return appError('PAYLOAD_TOO_LARGE');
    case 'entity.parse.failed':
      return appError('INVALID_JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return appError('UNSUPPORTED_MEDIA_TYPE', err.message);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return appError('VALIDATION_FAILED', err.message);
    default:
      return undefined;
  }
}

/**
 * Turns any error into `{ error: { code, message } }` with the code's status. Unknown errors
 * are logged with their stack and answered as 500 INTERNAL, never with the stack.
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = isAppError(err) ? err : fromBodyParser(err ?? {});
    const e = known ?? appError('INTERNAL');
    if (!known) (req.log ?? log).error({ err }, 'unhandled error');
    else if (e.status >= 500) (req.log ?? log).warn({ code: e.code, msg: e.message }, 'request failed');
    if (res.headersSent) return;
    const body: { code: string; message: string; details?: Record<string, unknown> } = { code: e.code, message: e.message };
    if (e.details) body.details = e.details;
    res.status(e.status).json({ error: body });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(appError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
