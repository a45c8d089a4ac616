import { Router } from 'express';
import { z } from 'zod';
import { appError, isAppError } from '../errors/index.ts';
import { parseOr400 } from '../http/index.ts';
import { isJobName, JOB_PAYLOAD_SCHEMAS as payloads } from './job-catalog.ts';
import type { JobQueue } from './job-queue.ts';

/**
 * `POST /v1/admin/jobs/:name` runs a job now (202 with its id); `GET /v1/admin/jobs/:id` its
 * state and progress; `GET /v1/admin/queues` the jobs per state and the latest jobs of every queue.
 */
export function jobsRouter(queue: JobQueue): Router {
  const router = Router();
  router.get('/v1/admin/queues', async (_req, res) => {
    const queues = await queue.overview().catch((err: unknown) => {
      if (isAppError(err)) throw err;
      throw appError('QUEUE_UNAVAILABLE', `cannot read the queues: ${err instanceof Error ? err.message : String(err)}`);
    });
    res.json({ queues });
  });
  router.post('/v1/admin/jobs/:name', async (req, res) => {
    const name = req.params.name;
    if (!isJobName(name)) throw appError('JOB_UNKNOWN', `no job "${name}"; jobs: ${Object.keys(payloads).join(', ')}`, { jobs: Object.keys(payloads) });
    const payload = parseOr400(payloads[name], req.body ?? {});
    const id = await queue.enqueue(name, payload as never);
    res.status(202).json({ id, name, state: 'queued' });
  });
  router.get('/v1/admin/jobs/:id', async (req, res) => {
    const id = parseOr400(z.string().min(1).max(128), req.params.id, 'id');
    const state = await queue.get(id).catch((err: unknown) => {
      if (isAppError(err)) throw err;
      throw appError('QUEUE_UNAVAILABLE', `cannot read job ${id}: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (!state) throw appError('JOB_NOT_FOUND', `no job ${id}`, { id });
    res.json(state);
  });
  return router;
}
