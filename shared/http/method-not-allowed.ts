import { Router, type Request, type RequestHandler } from 'express';
import { appError } from '../errors/index.ts';
import type { ApiRoutes } from './api-routes.ts';

const ALLOWED = Symbol('affinity.allowed-methods');
type Marked = Request & { [ALLOWED]?: Set<string> };

/**
 * 405 `METHOD_NOT_ALLOWED` with an `Allow` header for a request whose path a declared route has
 * but not with its method (`GET /v1/embeddings`, `PUT /v1/items/42`); mounted after every
 * router, so only requests no handler took reach it. The paths are matched by a router of
 * their own, as express matches them for the handlers. Other requests go on to the 404.
 */
export function methodNotAllowed(groups: readonly ApiRoutes[]): RequestHandler[] {
  const methods = new Map<string, Set<string>>();
  const allow = (path: string, method: string) => {
    let set = methods.get(path);
    if (!set) methods.set(path, (set = new Set()));
    set.add(method.toUpperCase());
    // express answers HEAD with the GET handler
    if (method === 'get') set.add('HEAD');
  };
  for (const group of groups) {
    for (const d of group.definitions) allow(d.path, d.method);
    for (const u of group.undocumentedRoutes) if (u.method !== 'use') allow(u.path, u.method);
  }
  const paths = Router();
  for (const [path, set] of methods) {
    paths.all(path, (req, _res, next) => {
      const r = req as Marked;
      r[ALLOWED] ??= new Set();
      for (const m of set) r[ALLOWED].add(m);
      next();
    });
  }
  const answer: RequestHandler = (req, res, next) => {
    const allowed = (req as Marked)[ALLOWED];
    if (!allowed?.size || allowed.has(req.method)) return next();
    const list = [...allowed].sort();
    res.setHeader('Allow', list.join(', '));
    next(appError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; allowed: ${list.join(', ')}`, { allowed: list }));
  };
  return [paths, answer];
}
