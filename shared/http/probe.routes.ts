import { z } from 'zod';
import type { MetricsRegistry } from '../metrics/index.ts';
import { ApiRoutes } from './api-routes.ts';

/** A readiness probe: a name and a function saying whether that part can serve. */
export interface ReadinessCheck {
  name: string;
  check: () => boolean | Promise<boolean>;
}

const health = z.strictObject({ status: z.literal('ok') });
const readiness = z.strictObject({
  status: z.enum(['ready', 'not_ready']),
  /** Each part's check: true when it can serve. */
  checks: z.record(z.string(), z.boolean()),
});

/** Each check's answer (a check that throws is not ready), and whether all are ready. */
async function readinessOf(checks: readonly ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const answers: Record<string, boolean> = {};
  for (const c of checks) {
    try {
      answers[c.name] = await c.check();
    } catch {
      answers[c.name] = false;
    }
  }
  return { ready: Object.values(answers).every(Boolean), checks: answers };
}

const READY_GAUGE = 'affinity_api_processes_ready';

/**
 * `/healthz` (the process answers), `/readyz` (every part can serve) and `/metrics`
 * (Prometheus, with `affinity_api_processes_ready`: 1 when this process is ready; over a
 * cluster of API processes one series per process).
 */
export function probeRoutes(opts: { metrics: MetricsRegistry; readiness?: readonly ReadinessCheck[] }): ApiRoutes {
  if (!opts.metrics.registry.getSingleMetric(READY_GAUGE)) {
    opts.metrics.gauge({
      name: READY_GAUGE,
      help: 'API processes whose every part can serve (/readyz): 1 or 0 per process (api_process in a cluster; sum them)',
      async collect() {
        this.set((await readinessOf(opts.readiness ?? [])).ready ? 1 : 0);
      },
    });
  }
  const routes = new ApiRoutes('health');
  routes.get(
    '/healthz',
    {
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', schema: health } },
    },
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  routes.get(
    '/readyz',
    {
      operationId: 'getReadiness',
      summary: 'Readiness: every part (embed, recommend, chat) can serve',
      responses: {
        200: { description: 'Ready', schema: readiness },
        503: { description: 'Not ready yet: `checks` says which part is not', schema: readiness },
      },
    },
    async (_req, res) => {
      const { ready, checks } = await readinessOf(opts.readiness ?? []);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
  routes.get(
    '/metrics',
    {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (text exposition format)',
      responses: { 200: { description: 'The metrics', schema: z.string(), contentType: 'text/plain' } },
    },
    async (_req, res) => {
      res.setHeader('content-type', opts.metrics.contentType());
      res.send(await opts.metrics.render());
    },
  );
  return routes;
}
