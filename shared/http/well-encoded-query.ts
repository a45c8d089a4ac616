import type { RequestHandler } from 'express';
import { appError } from '../errors/index.ts';

/**
 * 400 for a query string that is not valid percent-encoding of UTF-8 (`?q=%ZZ`, `?q=%C3`): the
 * parser would pass the text on as written, or with U+FFFD in place of the bytes, where a path
 * segment so encoded is refused.
 */
export const wellEncodedQuery: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return next();
  for (const part of req.originalUrl.slice(at + 1).split(/[&=]/)) {
    if (!part.includes('%')) continue;
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return next(appError('VALIDATION_FAILED', `the query string is not valid percent-encoding of UTF-8: "${part.slice(0, 100)}"`));
    }
  }
  next();
};
