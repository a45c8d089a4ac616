import type { MetricsRegistry } from '../metrics/index.ts';
import { JOB_NAMES, type JobName } from './job-catalog.ts';

/** How a job attempt ended: the handler's outcome status, or `error` when it threw. */
export type AttemptEnd = 'done' | 'promoted' | 'rejected' | 'skipped' | 'failed' | 'error';

/**
 * What the workers measure, in the worker process (served on WORKER_METRICS_PORT, or on the
 * API's `/metrics` when the workers run inside the API process): how long each job attempt
 * took and how it ended, how long it waited in its queue, and the attempts that failed.
 * The label is `job_name`, not `job`: Prometheus gives `job` to the scrape job.
 */
export class JobMetrics {
  private readonly duration;
  private readonly wait;
  private readonly failures;

  constructor(metrics: MetricsRegistry) {
    this.duration = metrics.histogram({
      name: 'affinity_job_duration_seconds',
      help: 'Run time of a job attempt, by job and how it ended (status, or error)',
      labelNames: ['job_name', 'status'],
      buckets: [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    });
    this.wait = metrics.histogram({
      name: 'affinity_job_wait_seconds',
      help: 'Time from enqueue (or retry) to the start of an attempt',
      labelNames: ['job_name'],
      buckets: [0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
    });
    this.failures = metrics.counter({
      name: 'affinity_job_failures_total',
      help: 'Job attempts that threw or reported status failed; final="true" when the job will not be retried',
      labelNames: ['job_name', 'final'],
    });
    // every series exists from the start at 0, so that increase() sees the first failure
    for (const job of JOB_NAMES) for (const final of ['true', 'false']) this.failures.inc({ job_name: job, final }, 0);
  }

  started(job: JobName | string, waitedMs: number): void {
    this.wait.observe({ job_name: job }, Math.max(0, waitedMs) / 1000);
  }

  finished(job: JobName | string, status: AttemptEnd, seconds: number): void {
    this.duration.observe({ job_name: job, status }, seconds);
  }

  failed(job: JobName | string, final: boolean): void {
    this.failures.inc({ job_name: job, final: String(final) });
  }
}
