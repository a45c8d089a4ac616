import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { appError, isAppError } from '../errors/index.ts';
import { JOB_NAMES, QUEUE_OF, type JobName, type JobPayloads, type JobProgress, type QueueName } from './job-catalog.ts';
import { createRedis, type RedisClient } from '../redis/index.ts';

export interface JobState {
  id: string;
  name: JobName;
  state: string;
  progress: JobProgress | null;
  attempts: number;
  result: unknown;
  failedReason: string | null;
  created: string;
  finished: string | null;
}

/** The job states counted per queue (BullMQ's lists and sets). */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'paused', 'completed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** A job as a queue overview lists it. */
export interface JobSummary {
  id: string;
  name: string;
  state: 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';
  attempts: number;
  created: string;
  /** Run time of the last attempt, once it finished. */
  seconds: number | null;
  /** The handler's outcome status (`promoted`, `rejected`, …), once completed. */
  status: string | null;
  failedReason: string | null;
}

export interface QueueOverview {
  name: QueueName;
  counts: Record<QueueState, number>;
  /** The latest jobs of each listed state, newest first. */
  recent: JobSummary[];
}

/** How long a request waits for Redis before it is told the queue is unavailable. */
const REDIS_WAIT_MS = 3000;

async function withinTime<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // the work may still fail after the timeout won: that failure is expected, not unhandled
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(appError('QUEUE_UNAVAILABLE', `${what}: Redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Job ids as the outside sees them: the queue's short name and BullMQ's id (`train-12`,
 * `refresh-5`). BullMQ numbers each queue on its own, so its bare ids repeat across queues.
 */
export function publicId(queue: QueueName, bullId: string): string {
  return `${queue.replace(/^affinity-/, '')}-${bullId}`;
}

function parsePublicId(id: string): { queue: QueueName; bullId: string } | undefined {
  const m = /^(refresh|train)-(.+)$/.exec(id);
  return m ? { queue: `affinity-${m[1]}` as QueueName, bullId: m[2]! } : undefined;
}

/** The mark of a job while it waits: its name and a digest of its payload, keys sorted. */
function deduplicationId(name: JobName, payload: unknown): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return `${name}:${createHash('sha256').update(JSON.stringify(canonical(payload) ?? null)).digest('base64url')}`;
}

/** Retries with exponential backoff for transient failures; history kept for inspection. */
const DEFAULTS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 500 },
  removeOnFail: { count: 500 },
};

/**
 * The producer side: enqueue jobs by name, look them up, schedule the nightly flow.
 * @example const q = new JobQueue(config.REDIS_URL, 'affinity'); await q.enqueue('train-recommend', {})
 */
export class JobQueue {
  private readonly queues = new Map<QueueName, Queue>();
  /** One connection for every queue, owned here: closed (or dropped) whatever state it is in. */
  private client: RedisClient | undefined;
  private closed = false;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      if (!this.client) {
        // a request-path client: commands fail at once while Redis is away instead of queueing
        this.client = createRedis(this.redisUrl, { role: 'request', commandTimeoutMs: REDIS_WAIT_MS });
        // Connecting before BullMQ sees the client matters: BullMQ calls connect() itself on a
        // client that has not started, and when that one attempt fails its queue stays failed for
        // good. A client already connecting is waited for across reconnects instead.
        void this.client.connect();
      }
      const created = new Queue(name, { connection: this.client.connection, prefix: this.prefix });
      created.on('error', () => undefined); // connection errors surface on the calls themselves
      created.waitUntilReady().catch(() => {
        // its start failed (Redis went away between connecting and BullMQ's first command):
        // the next call builds a fresh queue instead of failing on this one forever
        if (this.queues.get(name) === created && !this.closed) {
          this.queues.delete(name);
          void created.close().catch(() => undefined);
        }
      });
      this.queues.set(name, (q = created));
    }
    return q;
  }

  /**
   * The queue once BullMQ holds a working connection. Writes wait for this first: while Redis is
   * away they fail now, instead of waiting inside BullMQ and running when Redis returns, after
   * their caller was told the queue is unavailable.
   */
  private async started(name: QueueName, what: string, opts: { waitForRedis?: boolean } = {}): Promise<Queue> {
    const q = this.queue(name);
    try {
      await (opts.waitForRedis ? q.waitUntilReady() : withinTime(what, q.waitUntilReady()));
    } catch (err) {
      if (isAppError(err)) throw err;
      const why = this.closed ? 'the queue was closed' : err instanceof Error ? err.message : String(err);
      throw appError('QUEUE_UNAVAILABLE', `${what}: ${why}`, undefined, err);
    }
    return q;
  }

  allQueues(): Queue[] {
    for (const name of new Set(Object.values(QUEUE_OF))) this.queue(name);
    return [...this.queues.values()];
  }

  /** Adds a job (see {@link submit}) and returns its id. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts: JobsOptions = {}): Promise<string> {
    return (await this.submit(name, payload, opts)).id;
  }

  /**
   * Adds a job, unless the same job (same name, same payload) is already waiting: then that one
   * is the answer (`deduplicated`), since it will read the data as it is when it starts. A job
   * already running does not count (its worker drops the mark when it starts, see
   * job-worker.ts), so a request made during a run gets a run of its own after it. A `jobId`
   * in `opts` replaces this with BullMQ's own idempotence (a no-op while that id is kept).
   */
  async submit<N extends JobName>(name: N, payload: JobPayloads[N], opts: JobsOptions = {}): Promise<{ id: string; deduplicated: boolean }> {
    try {
      const queue = await this.started(QUEUE_OF[name], `enqueue ${name}`);
      const dedup = opts.jobId === undefined ? { id: deduplicationId(name, payload) } : undefined;
      if (dedup) {
        const waiting = await withinTime(`enqueue ${name}`, queue.getDeduplicationJobId(dedup.id));
        if (waiting) return { id: publicId(QUEUE_OF[name], waiting), deduplicated: true };
      }
      // deduplicated here too: two requests at once both found none waiting
      const job = await withinTime(`enqueue ${name}`, queue.add(name, payload, { ...DEFAULTS, ...(dedup ? { deduplication: dedup } : {}), ...opts }));
      return { id: publicId(QUEUE_OF[name], job.id!), deduplicated: false };
    } catch (err) {
      if (isAppError(err)) throw err;
      throw appError('QUEUE_UNAVAILABLE', `could not enqueue ${name}: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
    }
  }

  async get(id: string): Promise<JobState | undefined> {
    const parsed = parsePublicId(id);
    if (!parsed) return undefined;
    const queue = await this.started(parsed.queue, `read job ${id}`);
    // the state before the job: read the other way round, a job finishing in between was
    // reported `completed` with the result it did not yet have when read
    let state = await withinTime(`read job ${id}`, queue.getJobState(parsed.bullId));
    const job = await withinTime(`read job ${id}`, queue.getJob(parsed.bullId));
    if (!job) return undefined;
    if (job.finishedOn && state !== 'completed' && state !== 'failed') state = await job.getState();
    return {
      id,
      name: job.name as JobName,
      state,
      progress: typeof job.progress === 'object' ? (job.progress as unknown as JobProgress) : null,
      attempts: job.attemptsMade,
      result: job.returnvalue ?? null,
      failedReason: job.failedReason ?? null,
      created: new Date(job.timestamp).toISOString(),
      finished: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  /** Jobs per state in every queue. */
  async counts(): Promise<Array<{ name: QueueName; counts: Record<QueueState, number> }>> {
    return withinTime(
      'count jobs',
      Promise.all(
        this.allQueues().map(async (q) => {
          const raw = await q.getJobCounts(...QUEUE_STATES);
          const counts = Object.fromEntries(QUEUE_STATES.map((s) => [s, raw[s] ?? 0])) as Record<QueueState, number>;
          return { name: q.name as QueueName, counts };
        }),
      ),
    );
  }

  /** Counts per state and the latest `recent` jobs of every queue (what the dashboard shows). */
  async overview(recent = 8): Promise<QueueOverview[]> {
    const listed = ['active', 'waiting', 'delayed', 'completed', 'failed'] as const;
    const [counts, jobs] = await Promise.all([
      this.counts(),
      withinTime(
        'list jobs',
        Promise.all(
          this.allQueues().map(async (q) => {
            const perState = await Promise.all(listed.map(async (state) => (await q.getJobs(state, 0, recent - 1, false)).map((job) => ({ job, state }))));
            return perState.flat().filter((x) => x.job);
          }),
        ),
      ),
    ]);
    return counts.map((c, i) => ({
      ...c,
      recent: jobs[i]!
        .sort((a, b) => b.job.timestamp - a.job.timestamp)
        .slice(0, recent)
        .map(({ job, state }) => {
          const outcome = job.returnvalue as { status?: unknown } | null | undefined;
          return {
            id: publicId(c.name, job.id!),
            name: job.name,
            state,
            attempts: job.attemptsMade,
            created: new Date(job.timestamp).toISOString(),
            seconds: job.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : null,
            status: outcome && typeof outcome.status === 'string' ? outcome.status : null,
            failedReason: job.failedReason || null,
          };
        }),
    }));
  }

  /** (Re)installs the nightly flow's repeatable schedule; waits for Redis as long as it takes. */
  async scheduleNightly(cron: string, tz: string): Promise<void> {
    const queue = await this.started(QUEUE_OF.nightly, 'schedule nightly', { waitForRedis: true });
    await queue.upsertJobScheduler('nightly', { pattern: cron, tz }, { name: 'nightly', data: {}, opts: DEFAULTS });
  }

  /** (Re)installs a job's repeatable schedule, named after the job (`purge-retention` daily); waits for Redis as long as it takes. */
  async scheduleJob<N extends JobName>(name: N, cron: string, tz: string, payload: JobPayloads[N]): Promise<void> {
    const queue = await this.started(QUEUE_OF[name], `schedule ${name}`, { waitForRedis: true });
    await queue.upsertJobScheduler(name, { pattern: cron, tz }, { name, data: payload, opts: DEFAULTS });
  }

  /**
   * Removes a job's repeatable schedule (`nightly`, `purge-retention`) if Redis holds one: a
   * schedule outlives the worker that installed it, so turning it off must remove it. True when
   * there was one.
   */
  async unschedule(name: JobName): Promise<boolean> {
    const queue = await this.started(QUEUE_OF[name], `unschedule ${name}`, { waitForRedis: true });
    return queue.removeJobScheduler(name);
  }

  /**
   * Closes the connections. A connection still reconnecting (Redis away or just back) cannot
   * say QUIT; BullMQ then drops it, and there is nothing to flush, so that is not an error.
   */
  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    // The connection goes first, while BullMQ still listens on it. A queue still waiting for Redis
    // then settles its start as an 'error' event, which is handled here; closed first, the queue
    // drops its listeners, and its start failing later would surface as an unhandled rejection.
    if (this.client && (await this.client.close()) === 'ended') {
      await withinTime('close', Promise.allSettled(queues.map((q) => q.waitUntilReady()))).catch(() => undefined);
    }
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}

export { JOB_NAMES };
