import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { RouteParameters } from 'express-serve-static-core';
import type { z } from 'zod';
import type { RouteScope } from '../auth/scopes.ts';
import type { ErrorCode } from '../errors/index.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  /** The body; leave it out for an empty answer (204). */
  schema?: z.ZodType;
  /**
   * Media type of the body.
   * @defaultValue `'application/json'`
   */
  contentType?: string;
}

/** An OpenAPI security requirement: scheme name → scopes. */
export type SecurityRequirement = Record<string, string[]>;

/**
 * What the OpenAPI document says about a route. The request schemas are the very zod objects
 * the handler passes to `parseOr400`, so the document cannot drift from the validation.
 */
export interface RouteDoc<Responses extends Readonly<Record<number, ResponseDoc>> = Readonly<Record<number, ResponseDoc>>> {
  /** Unique across the API; what generated clients name the call. */
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters: one key per `:name` segment of the path. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body. */
  body?: z.ZodType;
  /**
   * Whether a request must carry a body (a route that reads `req.body ?? {}` does not).
   * @defaultValue `true`
   */
  bodyRequired?: boolean;
  /** Successful answers by status. */
  responses: Responses;
  /**
   * Error codes the route itself can answer. The ones any route can answer (INTERNAL; body and
   * validation errors where the route takes input) are added by the document builder.
   */
  errors?: readonly ErrorCode[];
  /**
   * The API key scope the route needs (`read` ⊂ `write` ⊂ `admin`), or `public`. Left out, it
   * follows from the method and path (`defaultScope`): `admin` under /v1/admin and /admin,
   * `read` for GET, `write` otherwise. Health, metrics and docs routes are opened by
   * configuration (AUTH_OPEN_ROUTES), not here. The document's `security` says the same.
   */
  scope?: RouteScope;
}

/** A route as declared: method, express path, the group it belongs to, and its document. */
export interface RouteDefinition extends RouteDoc {
  method: HttpMethod;
  /** The express path, e.g. `/v1/items/:id`. */
  path: string;
  tag: string;
}

/**
 * A route mounted on purpose without an operation in the document, and why: `method` for one
 * route, `'use'` for everything under a prefix (an HTML dashboard, static assets).
 */
export interface UndocumentedRoute {
  method: HttpMethod | 'use';
  path: string;
  reason: string;
  /** As in `RouteDoc`; left out, it follows from the request's method and this path. */
  scope?: RouteScope;
}

/** Why a route is outside the document, and optionally the scope it needs. */
export type UndocumentedReason = string | { reason: string; scope?: RouteScope };

const undocumentedRoute = (method: HttpMethod | 'use', path: string, why: UndocumentedReason): UndocumentedRoute =>
  typeof why === 'string' ? { method, path, reason: why } : { method, path, ...why };

/** The body types a route's documented responses allow, for `res.json`/`res.send`. */
type ResponseBody<R> = { [S in keyof R]: R[S] extends { schema: infer T extends z.ZodType } ? z.input<T> : never }[keyof R];

type Handler<Path extends string, R> = (req: Request<RouteParameters<Path>>, res: Response<ResponseBody<R>>, next: NextFunction) => unknown;

/**
 * An express router whose every route is declared with its OpenAPI operation, in one call:
 * method, path, request schemas, responses per status and the error codes it can answer.
 * The handler's `res.json` is typed by the documented response schemas.
 * @example
 * const routes = new ApiRoutes('catalog');
 * routes.get('/v1/items/:id', {
 *   operationId: 'getItem', summary: 'One item',
 *   params: z.object({ id: entityId }),
 *   responses: { 200: { description: 'The item', schema: itemSchema } },
 *   errors: ['ITEM_NOT_FOUND'],
 * }, async (req, res) => res.json(await catalog.getItem(parseOr400(entityId, req.params.id, 'id'))));
 * app.use(routes.router);
 */
export class ApiRoutes {
  readonly router: Router = Router();
  private readonly defs: RouteDefinition[] = [];
  private readonly hidden: UndocumentedRoute[] = [];

  /** @param tag the group the operations are listed under in the document */
  constructor(readonly tag: string) {}

  /** Every documented route, in the order declared. */
  get definitions(): readonly RouteDefinition[] {
    return this.defs;
  }

  /** Routes mounted without an operation (see `undocumented`). */
  get undocumentedRoutes(): readonly UndocumentedRoute[] {
    return this.hidden;
  }

  get<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    return this.add('get', path, doc, handler);
  }

  post<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    return this.add('post', path, doc, handler);
  }

  put<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    return this.add('put', path, doc, handler);
  }

  patch<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    return this.add('patch', path, doc, handler);
  }

  delete<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    return this.add('delete', path, doc, handler);
  }

  /**
   * Mounts a route that has no operation of its own in the document, saying why (e.g. a
   * catch-all that only answers an error). The OpenAPI test lists these apart.
   */
  undocumented<P extends string>(method: HttpMethod, path: P, why: UndocumentedReason, handler: (req: Request<RouteParameters<P>>, res: Response, next: NextFunction) => unknown): this {
    this.hidden.push(undocumentedRoute(method, path, why));
    this.router[method](path, handler as never);
    return this;
  }

  /** Mounts middleware or a whole sub-router under `prefix`, outside the document (see `undocumented`). */
  mount(prefix: string, why: UndocumentedReason, ...handlers: RequestHandler[]): this {
    this.hidden.push(undocumentedRoute('use', prefix, why));
    this.router.use(prefix, ...handlers);
    return this;
  }

  private add<P extends string, R extends Readonly<Record<number, ResponseDoc>>>(method: HttpMethod, path: P, doc: RouteDoc<R>, handler: Handler<P, R>): this {
    this.defs.push({ ...doc, method, path, tag: this.tag });
    this.router[method](path, handler as never);
    return this;
  }
}

export function isApiRoutes(x: unknown): x is ApiRoutes {
  return x instanceof ApiRoutes;
}
