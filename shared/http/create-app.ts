import { isUtf8 } from 'node:buffer';
import cors from 'cors';
import express, { type Express, type Request, type Router } from 'express';
import helmet from 'helmet';
import { appError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from '../metrics/index.ts';
import { accessGate, type AccessControl } from './access-gate.ts';
import { isApiRoutes, type ApiRoutes } from './api-routes.ts';
import { errorMiddleware, notFoundHandler } from './error-middleware.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { routeTemplateOf, routeTemplates } from './route-template.ts';
import { wellEncodedQuery } from './well-encoded-query.ts';
import { openApiDocument, type OpenApiDocument, type OpenApiOptions } from './openapi-document.ts';
import { openApiRoutes } from './openapi.routes.ts';
import { probeRoutes, type ReadinessCheck } from './probe.routes.ts';
import { requestLog } from './request-log.ts';

export type { AccessControl, ReadinessCheck };

export interface AppOptions {
  log: Logger;
  metrics: MetricsRegistry;
  /** Largest JSON body, e.g. `8mb`. */
  bodyLimit: string;
  /** Mounted in order; those declared with `ApiRoutes` make up the OpenAPI document. */
  routers: Array<Router | ApiRoutes>;
  readiness?: ReadinessCheck[];
  /** Title, security schemes and the like of the document at `/openapi.json`. */
  openapi?: OpenApiOptions;
  /** API keys, scopes and rate limits in front of every route (and in the document); none: every route is open. */
  access?: AccessControl;
  /** Origins browsers may call the API from (`*`: any); none or empty: no CORS headers. */
  corsOrigins?: readonly string[];
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The express app every service mounts its routers on: helmet, request ids (honouring a
 * sane incoming `x-request-id`), JSON bodies up to a limit, request logs, latency metrics,
 * `/healthz`, `/readyz`, `/metrics`, the OpenAPI document of every `ApiRoutes` router at
 * `/openapi.json` with Swagger UI at `/docs`, and one error middleware.
 */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // helmet's default CSP says upgrade-insecure-requests: over plain HTTP on any host but
  // localhost the browser then asks for the dashboard's and /docs' own scripts over HTTPS,
  // which this server does not speak, and the pages stay blank. Only pages that came over
  // HTTPS (directly, or as a TLS-terminating proxy says) get the directive.
  const overHttps = helmet();
  const overHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  app.use((req, res, next) => (cameOverHttps(req) ? overHttps : overHttp)(req, res, next));
  // probes and scrapes would drown the log
  app.use(requestLog(opts.log, { ignore: PROBES }));
  const probes = probeRoutes(opts);
  // built at start, so a route its generator cannot describe fails the boot, not the first reader
  let document: OpenApiDocument | undefined;
  const meta = openApiRoutes(() => document!);
  const documented = [probes, ...opts.routers.filter(isApiRoutes), meta];
  app.use((req, res, next) => {
    const end = opts.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: routeTemplateOf(req), status: String(res.statusCode) }));
    next();
  });
  app.use(routeTemplates(documented));

  if (opts.corsOrigins?.length) {
    // before the access layer: preflights carry no key, and a 401 must be readable by the page
    app.use(
      cors({
        origin: opts.corsOrigins.includes('*') ? '*' : [...opts.corsOrigins],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
        exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
        maxAge: 600,
      }),
    );
  }

  const access = opts.access;
  document = openApiDocument(
    documented,
    access
      ? {
          ...opts.openapi,
          securitySchemes: { ...opts.openapi?.securitySchemes, ...access.securitySchemes },
          routeAccess: (r) => {
            const scope = access.scopeOf(r.method, r.path, r.scope);
            return { security: access.security(scope), errors: access.errors(scope, r.path) };
          },
        }
      : opts.openapi,
  );
  // every route behind the access layer, probes included (AUTH_OPEN_ROUTES opens them)
  if (access) app.use(...accessGate(documented, access));
  app.use(probes.router);
  app.use(meta.router);
  app.use(wellEncodedQuery);

  app.use(
    express.json({
      limit: opts.bodyLimit,
      strict: false,
      // decoding would turn bytes that are not UTF-8 into U+FFFD and store that: refuse them instead
      verify: (_req, _res, buf, encoding) => {
        if (encoding.toLowerCase() === 'utf-8' && !isUtf8(buf)) throw new Error('the body is not valid UTF-8');
      },
    }),
  );
  // a body that is not JSON would otherwise reach the routes as "no body" (a misleading 400)
  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json') && ['POST', 'PUT', 'PATCH'].includes(req.method)) {
      next(appError('UNSUPPORTED_MEDIA_TYPE', `the body must be application/json, not ${req.headers['content-type'] ?? 'untyped'}`));
    } else next();
  });
  for (const router of opts.routers) app.use(isApiRoutes(router) ? router.router : router);
  app.use(...methodNotAllowed(documented));
  app.use(notFoundHandler);
  app.use(errorMiddleware(opts.log));
  return app;
}

/** Whether the client reached us over HTTPS: our own TLS, or a proxy's `X-Forwarded-Proto` (spoofing it only changes the spoofer's own headers). */
function cameOverHttps(req: Request): boolean {
  if (req.secure) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
