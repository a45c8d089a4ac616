import { Router, type Request, type RequestHandler } from 'express';
import type { ApiRoutes } from './api-routes.ts';

const TEMPLATE = Symbol('affinity.route-template');
type Marked = Request & { [TEMPLATE]?: string };

/**
 * Notes on each request the template of the declared route its path matches
 * (`/v1/users/:id/recommendations`; a mount's own path, `/admin/queues`, for what is mounted),
 * matched by a router of its own as express matches the handlers. Mounted before the body
 * parsers, so that a request they refuse (bad JSON, 413, 415) still names its route in the
 * metrics. See {@link routeTemplateOf}.
 */
export function routeTemplates(groups: readonly ApiRoutes[]): RequestHandler {
  const paths = Router();
  const note = (template: string): RequestHandler => (req, _res, next) => {
    (req as Marked)[TEMPLATE] ??= template;
    next();
  };
  for (const group of groups) {
    for (const d of group.definitions) paths.all(d.path, note(d.path));
    for (const u of group.undocumentedRoutes) {
      if (u.method === 'use') paths.use(u.path, note(u.path));
      else paths.all(u.path, note(u.path));
    }
  }
  // an express router answers OPTIONS on a path it knows by itself: those pass by
  return (req, res, next) => (req.method === 'OPTIONS' ? next() : paths(req, res, next));
}

/**
 * The route a request went to, for a metric label: the declared template noted by
 * {@link routeTemplates}, else express's own route (the mount's path when that is a list),
 * else `unmatched`. Never the raw URL: ids in paths would explode the label set.
 */
export function routeTemplateOf(req: Request): string {
  const noted = (req as Marked)[TEMPLATE];
  if (noted) return noted;
  if (!req.route) return 'unmatched';
  const path: unknown = req.route.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : req.baseUrl || 'unmatched';
}
