import { createServer, type Server } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one given for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A bare `GET /metrics` (and `/healthz`) for a process without an HTTP API: the workers. A port
 * already taken is logged and skipped, never fatal: a worker without metrics still works jobs.
 * @example const server = await serveMetrics(metrics, { port: 9465, host: '0.0.0.0', log })
 */
export async function serveMetrics(metrics: MetricsRegistry, opts: { port: number; host: string; log: Logger }): Promise<MetricsServer | undefined> {
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && url === '/metrics') {
      metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType() }).end(text),
        (err: unknown) => {
          opts.log.warn({ err }, 'could not render metrics');
          res.writeHead(500).end();
        },
      );
    } else if (req.method === 'GET' && url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else res.writeHead(404).end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    opts.log.warn({ err: err instanceof Error ? err.message : String(err), port: opts.port }, 'worker metrics not served: the port is not available');
    return undefined;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  opts.log.info({ port }, `worker metrics on http://${opts.host}:${port}/metrics`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
