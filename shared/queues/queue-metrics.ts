import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from '../metrics/index.ts';
import type { JobQueue } from './job-queue.ts';

/**
 * `affinity_queue_jobs{queue, state}`: jobs per state in every queue, read from Redis at each
 * scrape by whichever process serves `/metrics` (the API). Every process reads the same
 * numbers, so aggregate with `max`, not `sum`. With Redis away the series are left out of
 * that scrape (Prometheus marks them stale) and the scrape itself still answers.
 */
export function registerQueueMetrics(metrics: MetricsRegistry, queue: JobQueue, log: Logger): void {
  let warned = false;
  metrics.gauge({
    // the same in every API process: not to be summed over a cluster
    aggregator: 'max',
    name: 'affinity_queue_jobs',
    help: 'Jobs per state in each queue (read from Redis at scrape time)',
    labelNames: ['queue', 'state'],
    async collect() {
      this.reset();
      try {
        for (const q of await queue.counts()) for (const [state, n] of Object.entries(q.counts)) this.set({ queue: q.name, state }, n);
        warned = false;
      } catch (err) {
        if (!warned) log.warn({ err: err instanceof Error ? err.message : String(err) }, 'queue depths left out of /metrics: Redis does not answer');
        warned = true;
      }
    },
  });
}
