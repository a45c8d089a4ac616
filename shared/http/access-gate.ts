import { Router, type Request, type RequestHandler } from 'express';
import { strictest, type RouteScope } from '../auth/scopes.ts';
import type { ErrorCode } from '../errors/index.ts';
import type { ApiRoutes, SecurityRequirement } from './api-routes.ts';
import type { SecurityScheme } from './openapi-document.ts';

/**
 * Who may call what: the layer createApp puts in front of every route (shared/auth builds it
 * from the configuration and the API keys).
 */
export interface AccessControl {
  /** What a route needs in this deployment: `declared` (else the default for its method and path), unless the configuration opens it. */
  scopeOf(method: string, path: string, declared?: RouteScope): RouteScope;
  /** Lets a request through to a route needing `scope`, or answers 401, 403 or 429. */
  guard(scope: RouteScope): RequestHandler;
  /** For the OpenAPI document: `components.securitySchemes`. */
  securitySchemes: Record<string, SecurityScheme>;
  /** For the OpenAPI document: an operation's `security` for a route needing `scope`. */
  security(scope: RouteScope): SecurityRequirement[];
  /** For the OpenAPI document: the codes enforcing `scope` on `path` can answer. */
  errors(scope: RouteScope, path: string): readonly ErrorCode[];
}

const NEEDS = Symbol('affinity.route-scope');
type Marked = Request & { [NEEDS]?: RouteScope };

/**
 * Puts `access` in front of the routes of `groups`: a router with the very paths of those
 * routes (so express matches them exactly as it will for the handlers) notes what every route
 * matching the request needs, then one guard enforces the strictest of them. A request that no
 * declared route matches (an unknown path, a plain express router) needs the default for its
 * method and path: unknown routes answer 401 before 404.
 */
export function accessGate(groups: readonly ApiRoutes[], access: AccessControl): RequestHandler[] {
  const gate = Router();
  const need = (req: Request, scope: RouteScope) => {
    const r = req as Marked;
    r[NEEDS] = r[NEEDS] === undefined ? scope : strictest(r[NEEDS], scope);
  };
  for (const group of groups) {
    for (const d of group.definitions) {
      const scope = access.scopeOf(d.method, d.path, d.scope);
      gate[d.method](d.path, (req, _res, next) => {
        need(req, scope);
        next();
      });
    }
    for (const u of group.undocumentedRoutes) {
      if (u.method === 'use') {
        gate.use(u.path, (req, _res, next) => {
          need(req, access.scopeOf(req.method, u.path, u.scope));
          next();
        });
      } else {
        const scope = access.scopeOf(u.method, u.path, u.scope);
        gate[u.method](u.path, (req, _res, next) => {
          need(req, scope);
          next();
        });
      }
    }
  }
  const guards: Record<RouteScope, RequestHandler> = {
    public: access.guard('public'),
    read: access.guard('read'),
    write: access.guard('write'),
    admin: access.guard('admin'),
  };
  const enforce: RequestHandler = (req, res, next) => {
    const scope = (req as Marked)[NEEDS] ?? access.scopeOf(req.method, req.path);
    return guards[scope](req, res, next);
  };
  // an express router answers OPTIONS on a path it knows by itself (200 with Allow), before the
  // guard could run: OPTIONS passes by the router and needs the default for its path
  const note: RequestHandler = (req, res, next) => (req.method === 'OPTIONS' ? next() : gate(req, res, next));
  return [note, enforce];
}
