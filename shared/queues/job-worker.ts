import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { isAppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from '../metrics/index.ts';
import { JobMetrics } from './job-metrics.ts';
import { JOB_PAYLOAD_SCHEMAS, QUEUE_OF, type JobName, type JobOutcome, type JobPayloads, type QueueName } from './job-catalog.ts';
import { publicId } from './job-queue.ts';
import { bullConnection } from './redis-connection.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  attempt: number;
  log: Logger;
  /** Reports the stage and percent done (shown by `GET /v1/admin/jobs/:id` and Bull Board). */
  progress(stage: string, percent: number): Promise<void>;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], ctx: JobContext) => Promise<JobOutcome>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  handlers: JobHandlers;
  log: Logger;
  /** Jobs run at once per queue. @defaultValue 1 */
  concurrency?: number;
  /** How long a job's lock lasts between renewals (BullMQ's lockDuration). @defaultValue 30000 */
  lockMs?: number;
  /** How often stalled jobs (their worker died) are looked for and handed back. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** Where job durations, queue waits and failures are counted; none when absent. */
  metrics?: MetricsRegistry;
}

/** Server-side errors that a retry cannot mend: the job's data or the configuration is missing. */
const NEVER_SUCCEEDS = new Set<string>(['CHAT_TRAINING_DATA_NOT_FOUND', 'CONFIG_INVALID']);
/** A connection error (Redis away) is logged once per this long, with how often it repeated meanwhile. */
const CONNECTION_ERROR_QUIET_MS = 30_000;

/**
 * `say(reason, queue, repeats)` at most once per `ms` for each reason: a worker whose Redis is
 * away reports the same error on every reconnection attempt, in every queue (80 lines a minute).
 */
function onceEvery(ms: number, say: (reason: string, queue: string, repeats: number) => void): (reason: string, queue: string) => void {
  const seen = new Map<string, { until: number; repeats: number }>();
  return (reason, queue) => {
    const now = Date.now();
    const s = seen.get(reason);
    if (s && now < s.until) {
      s.repeats++;
      return;
    }
    say(reason, queue, s?.repeats ?? 0);
    seen.set(reason, { until: now + ms, repeats: 0 });
  };
}

/**
 * Runs the handlers for every queue that has one. Expected outcomes come back as a status;
 * errors with a 4xx code can never succeed and are marked unrecoverable (no retry); other
 * errors are retried with backoff.
 */
export function startJobWorkers(opts: WorkerOptions): { close(): Promise<void>; workers: Worker[] } {
  const connectionError = onceEvery(CONNECTION_ERROR_QUIET_MS, (reason: string, queue: string, repeats: number) =>
    opts.log.warn({ reason, queue, ...(repeats > 0 ? { repeats } : {}) }, 'worker connection error'),
  );
  const measure = opts.metrics ? new JobMetrics(opts.metrics) : undefined;
  const queues = new Set<QueueName>((Object.keys(opts.handlers) as JobName[]).map((n) => QUEUE_OF[n]));
  const workers = [...queues].map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const handler = opts.handlers[job.name as JobName] as JobHandler<JobName> | undefined;
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on ${queue}`);
        // checked here too: a job can be queued by other means than the API and the CLI (the queue
        // board, a script on the same Redis), and a handler trusts its payload
        const payload = JOB_PAYLOAD_SCHEMAS[job.name as JobName].safeParse(job.data);
        if (!payload.success) {
          throw new UnrecoverableError(`VALIDATION_FAILED: bad payload for ${job.name}: ${payload.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
        }
        // the id the API, the CLI and the dashboard show (`train-3`), not BullMQ's own (`3`, in every queue)
        const log = opts.log.child({ job: job.name, jobId: publicId(queue, job.id!), attempt: job.attemptsMade + 1 });
        // from now on the same job asked for again is a new job: this run may have read its data already
        if (job.deduplicationId) await job.removeDeduplicationKey();
        const ctx: JobContext = {
          jobId: publicId(queue, job.id!),
          attempt: job.attemptsMade + 1,
          log,
          progress: async (stage, percent) => {
            await job.updateProgress({ stage, percent: Math.round(percent) });
            log.info({ stage, percent: Math.round(percent) }, 'progress');
          },
        };
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        // the wait of a job's first attempt (a retry's includes the earlier attempts and its backoff)
        if (job.attemptsMade === 0) measure?.started(job.name, Date.now() - job.timestamp - (job.delay ?? 0));
        try {
          const outcome = await handler(payload.data as JobPayloads[JobName], ctx);
          measure?.finished(job.name, outcome.status, seconds());
          // a flow that reports a failed stage is a failure too, though BullMQ saw it complete
          if (outcome.status === 'failed') measure?.failed(job.name, true);
          log[outcome.status === 'failed' ? 'warn' : 'info']({ ...outcome, seconds: Math.round(seconds() * 10) / 10 }, `${job.name} finished`);
          return outcome;
        } catch (err) {
          measure?.finished(job.name, 'error', seconds());
          if (isAppError(err) && (err.status < 500 || NEVER_SUCCEEDS.has(err.code))) {
            measure?.failed(job.name, true);
            log.warn({ code: err.code, reason: err.message }, `${job.name} can never succeed`);
            throw new UnrecoverableError(`${err.code}: ${err.message}`);
          }
          const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          measure?.failed(job.name, final);
          log.error({ err }, final ? `${job.name} failed; no attempts left` : `${job.name} failed; it will be retried`);
          throw err;
        }
      },
      {
        connection: bullConnection(opts.redisUrl),
        prefix: opts.prefix,
        concurrency: opts.concurrency ?? 1,
        lockDuration: opts.lockMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
        // a job whose worker died is run again once; a second death marks it failed
        maxStalledCount: 1,
      },
    );
    worker.on('error', (err) => connectionError(err.message, queue));
    return worker;
  });
  return {
    workers,
    // close() lets the running job finish (or, past the lock, hands it back to the queue)
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
