import { z } from 'zod';
import { JOB_NAMES, QUEUE_OF } from './job-catalog.ts';
import { QUEUE_STATES } from './job-queue.ts';

const QUEUE_NAMES = [...new Set(Object.values(QUEUE_OF))] as [string, ...string[]];

/** `POST /v1/admin/jobs/<name>` answers 202 with the id to follow the job by. */
export const jobQueuedResponse = z.strictObject({
  /** `<queue>-<number>`, e.g. `train-12`. */
  id: z.string(),
  name: z.enum(JOB_NAMES),
  state: z.literal('queued'),
  /** True when the same job (same name and payload) was already waiting: `id` is that job. */
  deduplicated: z.boolean(),
});

export const jobIdParam = z.string().min(1).max(128);
export const jobIdParams = z.object({ id: jobIdParam });

/** A job's state (see JobState). */
export const jobStateResponse = z
  .strictObject({
    id: z.string(),
    name: z.enum(JOB_NAMES),
    /** BullMQ's state: waiting, delayed, active, completed, failed… */
    state: z.string(),
    progress: z.strictObject({ stage: z.string(), percent: z.number() }).nullable(),
    attempts: z.number().int(),
    /** The handler's outcome once completed (`{ status, … }`), else null. */
    result: z.unknown(),
    failedReason: z.string().nullable(),
    created: z.iso.datetime(),
    finished: z.iso.datetime().nullable(),
  })
  .meta({ id: 'JobState' });

const jobSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(['waiting', 'delayed', 'active', 'completed', 'failed']),
  attempts: z.number().int(),
  created: z.iso.datetime(),
  /** Run time of the last attempt, once it finished. */
  seconds: z.number().nullable(),
  /** The handler's outcome status (`promoted`, `rejected`, …), once completed. */
  status: z.string().nullable(),
  failedReason: z.string().nullable(),
});

export const queuesResponse = z.strictObject({
  queues: z.array(
    z
      .strictObject({
        name: z.enum(QUEUE_NAMES),
        counts: z.strictObject(Object.fromEntries(QUEUE_STATES.map((s) => [s, z.number().int()])) as Record<(typeof QUEUE_STATES)[number], z.ZodNumber>),
        /** The latest jobs, newest first. */
        recent: z.array(jobSummary),
      })
      .meta({ id: 'QueueOverview' }),
  ),
});
