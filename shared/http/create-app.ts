import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { appError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from '../metrics/index.ts';
import { errorMiddleware, notFoundHandler } from './error-middleware.ts';

/** A readiness probe: a name and a function saying whether that part can serve. */
export interface ReadinessCheck {
  name: string;
  check: () => boolean | Promise<boolean>;
}

export interface AppOptions {
  log: Logger;
  metrics: MetricsRegistry;
  /** Largest JSON body, e.g. `8mb`. */
  bodyLimit: string;
  routers: Router[];
  readiness?: ReadinessCheck[];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The express app every service mounts its routers on: helmet, request ids (honouring a
 * sane incoming `x-request-id`), JSON bodies up to a limit, request logs, latency metrics,
 * `/healthz`, `/readyz`, `/metrics`, and one error middleware.
 */
export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: opts.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // probes and scrapes would drown the log
      autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use((req, res, next) => {
    const end = opts.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      // the route template, never the raw URL: ids in paths would explode the label set
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    for (const c of opts.readiness ?? []) {
      try {
        checks[c.name] = await c.check();
      } catch {
        checks[c.name] = false;
      }
    }
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', opts.metrics.contentType());
    res.send(await opts.metrics.render());
  });

  app.use(express.json({ limit: opts.bodyLimit, strict: false }));
  // a body that is not JSON would otherwise reach the routes as "no body" (a misleading 400)
  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json') && ['POST', 'PUT', 'PATCH'].includes(req.method)) {
      next(appError('UNSUPPORTED_MEDIA_TYPE', `the body must be application/json, not ${req.headers['content-type'] ?? 'untyped'}`));
    } else next();
  });
  for (const router of opts.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(opts.log));
  return app;
}
