export { JOB_NAMES, QUEUE_OF, isJobName, type JobName, type JobOutcome, type JobPayloads, type JobProgress, type QueueName } from './job-catalog.ts';
export { JobQueue, type JobState } from './job-queue.ts';
export { startJobWorkers, type JobContext, type JobHandler, type JobHandlers } from './job-worker.ts';
export { bullConnection } from './redis-connection.ts';
