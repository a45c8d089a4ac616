import { appError, isAppError } from '../errors/index.ts';
import { ApiRoutes, parseOr400 } from '../http/index.ts';
import { JOB_NAMES, isJobName, JOB_PAYLOAD_SCHEMAS as payloads, type JobPayloads } from './job-catalog.ts';
import type { JobQueue } from './job-queue.ts';
import { jobIdParam, jobIdParams, jobQueuedResponse, jobStateResponse, queuesResponse } from './jobs.schema.ts';

const unavailable = (what: string) => (err: unknown) => {
  if (isAppError(err)) throw err;
  throw appError('QUEUE_UNAVAILABLE', `cannot read ${what}: ${err instanceof Error ? err.message : String(err)}`);
};

/** What the document says each job does (JobPayloads says it to the code). */
const SUMMARIES: Record<keyof JobPayloads, string> = {
  'embed-items': 'Embed items and add them to the live indexes of every serving process',
  'rebuild-index': 'Rebuild the catalog\'s vector index from scratch and publish it',
  'train-recommend': 'Train the recommender on every stored event; promote it unless worse',
  'train-intents': 'Train the intent classifier (with every corrected intent); promote it unless worse',
  'train-sentiment': 'Train the sentiment classifier; promote it unless worse',
  nightly: 'The nightly flow: every training job in order, then an index rebuild',
  'purge-retention': 'Delete events and stored chat texts older than RETENTION_EVENTS_DAYS / RETENTION_TRANSCRIPTS_DAYS',
};

/**
 * `POST /v1/admin/jobs/:name` runs a job now (202 with its id); `GET /v1/admin/jobs/:id` its
 * state and progress; `GET /v1/admin/queues` the jobs per state and the latest jobs of every queue.
 * Each job is its own operation in the document (`POST /v1/admin/jobs/train-recommend`, …),
 * so that each has its payload schema.
 */
export function jobsRouter(queue: JobQueue): ApiRoutes {
  const routes = new ApiRoutes('admin: jobs');
  routes.get(
    '/v1/admin/queues',
    {
      operationId: 'listQueues',
      summary: 'Jobs per state and the latest jobs of every queue',
      responses: { 200: { description: 'One entry per queue', schema: queuesResponse } },
      errors: ['QUEUE_UNAVAILABLE'],
    },
    async (_req, res) => {
      const queues = await queue.overview().catch(unavailable('the queues'));
      res.json({ queues });
    },
  );
  for (const name of JOB_NAMES) {
    routes.post(
      `/v1/admin/jobs/${name}`,
      {
        operationId: `run-${name}`.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()),
        summary: SUMMARIES[name],
        description: 'Queued now; a worker runs it. Follow it with `GET /v1/admin/jobs/{id}`. The same job (same payload) already waiting is not queued twice: the answer names that one, with `deduplicated: true`.',
        body: payloads[name],
        // a job whose payload has defaults for everything can be sent with no body
        bodyRequired: !payloads[name].safeParse({}).success,
        responses: { 202: { description: 'Queued', schema: jobQueuedResponse } },
        errors: ['QUEUE_UNAVAILABLE'],
      },
      async (req, res) => {
        const payload = parseOr400(payloads[name], req.body ?? {});
        const { id, deduplicated } = await queue.submit(name, payload as never);
        res.status(202).json({ id, name, state: 'queued', deduplicated });
      },
    );
  }
  routes.undocumented('post', '/v1/admin/jobs/:name', 'every job is its own operation; this only answers 400 JOB_UNKNOWN for other names', (req) => {
    const name = req.params.name;
    if (!isJobName(name)) throw appError('JOB_UNKNOWN', `no job "${name}"; jobs: ${JOB_NAMES.join(', ')}`, { jobs: [...JOB_NAMES] });
    // the routes above take every job name
    throw appError('INTERNAL', `job "${name}" has no route`);
  });
  routes.get(
    '/v1/admin/jobs/:id',
    {
      operationId: 'getJob',
      summary: 'A job\'s state, progress and result',
      params: jobIdParams,
      responses: { 200: { description: 'The job', schema: jobStateResponse } },
      errors: ['JOB_NOT_FOUND', 'QUEUE_UNAVAILABLE'],
    },
    async (req, res) => {
      const id = parseOr400(jobIdParam, req.params.id, 'id');
      const state = await queue.get(id).catch(unavailable(`job ${id}`));
      if (!state) throw appError('JOB_NOT_FOUND', `no job ${id}`, { id });
      res.json(state);
    },
  );
  return routes;
}
