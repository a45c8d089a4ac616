export { JOB_NAMES, JOB_PAYLOAD_SCHEMAS, QUEUE_OF, isJobName, type JobName, type JobOutcome, type JobPayloads, type JobProgress, type QueueName } from './job-catalog.ts';
export { JobQueue, QUEUE_STATES, type JobState, type JobSummary, type QueueOverview, type QueueState } from './job-queue.ts';
export { registerQueueMetrics } from './queue-metrics.ts';
export { startJobWorkers, type JobContext, type JobHandler, type JobHandlers } from './job-worker.ts';
export { bullConnection } from './redis-connection.ts';
export { ModelSignals, type ModelSignal } from './model-signals.ts';
export { runInThread } from './run-in-thread.ts';
export { jobsRouter } from './jobs.routes.ts';
export { queueBoardRouter, QUEUE_BOARD_PATH } from './queue-board.ts';
