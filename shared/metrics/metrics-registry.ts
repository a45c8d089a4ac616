import client from 'prom-client';
import { clusterMetrics, inApiCluster, shareRegistry } from '../process/cluster-metrics.ts';

export type { Registry, Histogram, Counter, Gauge } from 'prom-client';

/**
 * One Prometheus registry per process (or per app in tests), with the default process
 * metrics and the HTTP request histogram every route reports into. In a cluster of API
 * processes (API_PROCESSES > 1) `render` gives the series of all of them, each labelled with
 * its process's slot (`api_process`, cluster-metrics.ts), so nothing is summed across them.
 */
export class MetricsRegistry {
  readonly registry = new client.Registry();
  readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) client.collectDefaultMetrics({ register: this.registry });
    this.httpDuration = this.histogram({
      name: 'affinity_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    shareRegistry(this.registry);
  }

  histogram<L extends string>(cfg: client.HistogramConfiguration<L>): client.Histogram<L> {
    return new client.Histogram({ ...cfg, registers: [this.registry] });
  }

  counter<L extends string>(cfg: client.CounterConfiguration<L>): client.Counter<L> {
    return new client.Counter({ ...cfg, registers: [this.registry] });
  }

  gauge<L extends string>(cfg: client.GaugeConfiguration<L>): client.Gauge<L> {
    return new client.Gauge({ ...cfg, registers: [this.registry] });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    return inApiCluster() ? clusterMetrics() : this.registry.metrics();
  }
}
