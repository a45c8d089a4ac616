import { z } from 'zod';

/**
 * Every queued job: its name, its payload, and the queue that carries it. Handlers are typed
 * by name, so a payload cannot be mistaken for another job's.
 */
export interface JobPayloads {
  /** Embed items and add them to the live indexes (after a catalog upsert). */
  'embed-items': { itemIds: string[] };
  /** Rebuild the catalog's vector index from scratch (no tombstones) and publish it. */
  'rebuild-index': Record<string, never>;
  /** Train the recommender on every stored event; promote it unless worse. */
  'train-recommend': { seed?: number; tune?: boolean };
  /** Train the intent classifier; promote it unless worse. */
  'train-intents': { seed?: number };
  /** Train the sentiment classifier; promote it unless worse. */
  'train-sentiment': { seed?: number };
  /** The nightly flow: every training job in order, then an index rebuild (seed and tune go to the training stages). */
  nightly: { seed?: number; tune?: boolean };
  /** Delete events and stored chat texts older than the configured retention limits. */
  'purge-retention': Record<string, never>;
}

export type JobName = keyof JobPayloads;

const seed = z.number().int().min(0).max(2 ** 32 - 1).optional();

/** Each job's payload as accepted from outside (the admin API, the CLI): unknown keys refused. */
export const JOB_PAYLOAD_SCHEMAS: { [N in JobName]: z.ZodType<JobPayloads[N]> } = {
  'embed-items': z.object({ itemIds: z.array(z.string().min(1).max(256)).min(1).max(10_000) }).strict(),
  'rebuild-index': z.object({}).strict() as z.ZodType<Record<string, never>>,
  'train-recommend': z.object({ seed, tune: z.boolean().optional() }).strict(),
  'train-intents': z.object({ seed }).strict(),
  'train-sentiment': z.object({ seed }).strict(),
  nightly: z.object({ seed, tune: z.boolean().optional() }).strict(),
  'purge-retention': z.object({}).strict() as z.ZodType<Record<string, never>>,
};

export const JOB_NAMES = ['embed-items', 'rebuild-index', 'train-recommend', 'train-intents', 'train-sentiment', 'nightly', 'purge-retention'] as const satisfies readonly JobName[];

/** Two queues, so that a long training run never delays a fresh item. */
export type QueueName = 'affinity-refresh' | 'affinity-train';

export const QUEUE_OF: Record<JobName, QueueName> = {
  'embed-items': 'affinity-refresh',
  'rebuild-index': 'affinity-refresh',
  'train-recommend': 'affinity-train',
  'train-intents': 'affinity-train',
  'train-sentiment': 'affinity-train',
  nightly: 'affinity-train',
  'purge-retention': 'affinity-refresh',
};

/** What a handler returns for an expected outcome (a rejected candidate is not a failure). */
export interface JobOutcome {
  status: 'done' | 'promoted' | 'rejected' | 'skipped' | 'failed';
  [detail: string]: unknown;
}

/** Reported progress: the stage a job is in and how far along it is. */
export interface JobProgress {
  stage: string;
  percent: number;
}

export function isJobName(s: string): s is JobName {
  return (JOB_NAMES as readonly string[]).includes(s);
}
