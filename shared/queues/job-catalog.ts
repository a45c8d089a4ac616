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
  /** The nightly flow: every training job in order, then an index rebuild. */
  nightly: Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES = ['embed-items', 'rebuild-index', 'train-recommend', 'train-intents', 'train-sentiment', 'nightly'] as const satisfies readonly JobName[];

/** Two queues, so that a long training run never delays a fresh item. */
export type QueueName = 'affinity-refresh' | 'affinity-train';

export const QUEUE_OF: Record<JobName, QueueName> = {
  'embed-items': 'affinity-refresh',
  'rebuild-index': 'affinity-refresh',
  'train-recommend': 'affinity-train',
  'train-intents': 'affinity-train',
  'train-sentiment': 'affinity-train',
  nightly: 'affinity-train',
};

/** What a handler returns for an expected outcome (a rejected candidate is not a failure). */
export interface JobOutcome {
  status: 'done' | 'promoted' | 'rejected' | 'skipped';
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
