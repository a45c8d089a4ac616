import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler, Router } from 'express';
import { appError } from '../errors/index.ts';
import { ApiRoutes } from '../http/index.ts';
import type { JobQueue } from './job-queue.ts';

/** Where Bull Board is served. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** The board's own "add job" call: it would queue any name and payload, unchecked. */
const ADD_JOB = /^\/api\/queues\/[^/]+\/add\/?$/;

/**
 * Bull Board (the BullMQ dashboard: jobs by state, progress, results, retries) over every
 * queue of the job catalog, at `/admin/queues`. Jobs are not added from it (405): they are
 * added through `POST /v1/admin/jobs/{name}` or `affinity jobs run`, which check the payload
 * (and the workers check it again).
 */
export function queueBoardRouter(queue: JobQueue): ApiRoutes {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queue.allQueues().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const noAdding: RequestHandler = (req, _res, next) => {
    if (req.method === 'POST' && ADD_JOB.test(req.path)) next(appError('METHOD_NOT_ALLOWED', 'jobs are added with POST /v1/admin/jobs/{name} (or `affinity jobs run`), which check the payload'));
    else next();
  };
  return new ApiRoutes('admin: queue board').mount(QUEUE_BOARD_PATH, 'Bull Board: an HTML dashboard with its own internal API', noAdding, adapter.getRouter() as Router);
}
