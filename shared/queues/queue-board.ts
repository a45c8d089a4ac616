import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import { ApiRoutes } from '../http/index.ts';
import type { JobQueue } from './job-queue.ts';

/** Where Bull Board is served. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board (the BullMQ dashboard: jobs by state, progress, results, retries) over every
 * queue of the job catalog, at `/admin/queues`.
 */
export function queueBoardRouter(queue: JobQueue): ApiRoutes {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queue.allQueues().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  return new ApiRoutes('admin: queue board').mount(QUEUE_BOARD_PATH, 'Bull Board: an HTML dashboard with its own internal API', adapter.getRouter() as Router);
}
