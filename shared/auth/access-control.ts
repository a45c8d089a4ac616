import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { appError, type AppError, type ErrorCode } from '../errors/index.ts';
import type { AccessControl } from '../http/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { ApiKeys, Principal } from './api-keys.ts';
import { defaultScope, grants, type RouteScope } from './scopes.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The API key the request was authenticated with (absent on open routes and with AUTH_ENABLED=false). */
      auth?: Principal;
    }
  }
}

/** Route groups the configuration can open (AUTH_OPEN_ROUTES), and their paths. */
export const OPENABLE_ROUTES = {
  health: ['/healthz', '/readyz'],
  metrics: ['/metrics'],
  docs: ['/openapi.json', '/docs'],
} as const satisfies Record<string, readonly string[]>;
export type OpenableRoutes = keyof typeof OPENABLE_ROUTES;

/** Never rate-limited: a load balancer's probes must not be answered 429. */
const UNLIMITED = new Set<string>(OPENABLE_ROUTES.health);

export const SECURITY_SCHEME = 'apiKey';
const REALM = 'realm="affinity"';

export interface AccessOptions {
  keys: ApiKeys;
  /** Resolves when the keys table exists (and AFFINITY_ADMIN_KEY is provisioned). */
  ready: () => Promise<void>;
  /** Groups served without a key. */
  open: readonly OpenableRoutes[];
  /** Requests per minute per key, and per client address on open routes; a key's own limit overrides it; 0 = none. */
  perMinute: number;
  /** Where requests are counted (a SharedRateLimitStore across processes). */
  store: Store;
  log: Logger;
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, or Basic with the key as the
 * password (what a browser sends for Bull Board after asking). Undefined when there is no
 * header; null when there is one we cannot read.
 */
function presentedKey(req: Request): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  // `Bearer <key> junk` is not a key: the header was built wrong
  if (!value || rest.length > 0) return null;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/** The challenge of a 401: a browser navigating to a page (Bull Board) is offered Basic, so it asks for the key. */
function challenge(req: Request, res: Response, invalid: boolean): void {
  const bearer = `Bearer ${REALM}${invalid ? ', error="invalid_token"' : ''}`;
  const browser = req.accepts(['json', 'html']) === 'html';
  res.setHeader('www-authenticate', browser ? [bearer, `Basic ${REALM}, charset="UTF-8"`] : bearer);
}

/**
 * API keys, scopes and per-key rate limits for createApp: a route's scope comes from its
 * definition (or the default for its method and path) unless AUTH_OPEN_ROUTES opens it.
 * Requests are counted per key, and per client address where no valid key is presented, before
 * the scope is checked, so that guessing keys is rate-limited too.
 */
export function createAccessControl(o: AccessOptions): AccessControl {
  const openPaths: string[] = o.open.flatMap((g) => [...OPENABLE_ROUTES[g]]);
  const isOpen = (path: string) => openPaths.some((p) => path === p || path.startsWith(`${p}/`));
  const limitOf = (req: Request) => req.auth?.rateLimit ?? o.perMinute;
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: limitOf,
    skip: (req) => limitOf(req) === 0 || UNLIMITED.has(req.path),
    keyGenerator: (req) => (req.auth ? `key:${req.auth.keyId}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: o.store,
    // a failing store (it should not: it falls back to counting here) never fails a request
    passOnStoreError: true,
    handler: (req, res, next) => {
      const retryAfter = Number(res.getHeader('retry-after')) || 60;
      next(appError('RATE_LIMITED', `more than ${limitOf(req)} requests in a minute; retry in ${retryAfter} s`, { limit_per_minute: limitOf(req), retry_after_s: retryAfter }));
    },
    logger: {
      error: (err, msg) => o.log.warn({ err }, msg ?? 'rate limiter error'),
      warn: (err, msg) => o.log.warn({ err }, msg ?? 'rate limiter warning'),
    },
  });
  const countRequest = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      void limiter(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });

  const guard =
    (scope: RouteScope): RequestHandler =>
    (req: Request, res: Response, next: NextFunction) => {
      void (async () => {
        if (scope === 'public') {
          await countRequest(req, res);
          return next();
        }
        const presented = presentedKey(req);
        let failure: AppError | undefined;
        if (presented === undefined) failure = appError('AUTH_REQUIRED', 'this route needs an API key: send `Authorization: Bearer <key>`');
        else {
          await o.ready();
          req.auth = presented === null ? undefined : await o.keys.verify(presented);
          if (!req.auth) failure = appError('AUTH_INVALID_KEY', 'the API key is not valid (unknown, revoked or mistyped)');
        }
        await countRequest(req, res);
        if (failure) {
          challenge(req, res, failure.code === 'AUTH_INVALID_KEY');
          return next(failure);
        }
        if (!grants(req.auth!.scopes, scope)) {
          return next(appError('AUTH_FORBIDDEN', `this route needs a key with the ${scope} scope; this key has ${req.auth!.scopes.join(', ')}`, { required: scope, granted: [...req.auth!.scopes] }));
        }
        next();
      })().catch(next);
    };

  return {
    scopeOf: (method, path, declared) => (isOpen(path) ? 'public' : (declared ?? defaultScope(method, path))),
    guard,
    securitySchemes: {
      [SECURITY_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'aff_<id>_<secret>',
        description: 'An API key: `Authorization: Bearer aff_…`. Each operation lists the scope it needs (`read` ⊂ `write` ⊂ `admin`). See docs/auth.md.',
      },
    },
    security: (scope) => (scope === 'public' ? [] : [{ [SECURITY_SCHEME]: [scope] }]),
    errors: (scope, path) => {
      const codes: ErrorCode[] = [];
      if (scope !== 'public') codes.push('AUTH_REQUIRED', 'AUTH_INVALID_KEY');
      // every key has read at least: only stricter routes can answer 403
      if (scope === 'write' || scope === 'admin') codes.push('AUTH_FORBIDDEN');
      if (!UNLIMITED.has(path)) codes.push('RATE_LIMITED');
      return codes;
    },
  };
}
