// Every metric family the Grafana dashboard (infra/grafana/affinity-dashboard.json) queries is
// on a scrape after some traffic: the API's /metrics, and the worker's own metrics port.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import type { Config } from '../../../shared/config/index.ts';
import { appError } from '../../../shared/errors/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { JobQueue, startJobWorkers } from '../../../shared/queues/index.ts';
import { repoRoot, testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, freePort, testRedis, until, type TestRedis } from '../../support/redis.ts';
import { runJob, seedShop } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';

/** The value of one sample (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('Prometheus metrics after traffic', () => {
  const log = createLogger({ level: 'silent' });
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let workers: Workers;
  let workerPort: number;
  let apiText: string;
  let workerText: string;

  beforeAll(async () => {
    redis = await testRedis();
    workerPort = await freePort();
    config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, NIGHTLY_CRON: 'off', WORKER_METRICS_PORT: String(workerPort), HOST: '127.0.0.1' });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    // workers of their own (a registry served on WORKER_METRICS_PORT), as `affinity work` runs them
    workers = await composeWorkers(config, log);
    await seedShop(api.app);
    await runJob(api.app, 'train-recommend', { tune: false });
    await until('the new recommender in service', 10_000, async () => api.recommend.modelVersion !== undefined);
    for (let i = 0; i < 2; i++) expect((await request(api.app).get('/v1/users/u1/recommendations?k=3')).status).toBe(200);
    expect((await request(api.app).get('/v1/search?q=mug&k=3')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await request(api.app).post('/v1/embeddings').send({ input: ['hello there'] })).status).toBe(200);
    // refused before any route handler ran: bad JSON, a body that is not JSON, a bad query
    expect((await request(api.app).post('/v1/events').set('content-type', 'application/json').send('{"events": [')).status).toBe(400);
    expect((await request(api.app).post('/v1/events').set('content-type', 'text/plain').send('hello')).status).toBe(415);
    expect((await request(api.app).get('/v1/search?q=%ZZ')).status).toBe(400);
    expect((await request(api.app).get('/nowhere/42')).status).toBe(404);
    expect((await request(api.app).get('/admin/queues/api/queues')).status).toBe(200);
    apiText = (await request(api.app).get('/metrics')).text;
    workerText = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
  });

  afterAll(async () => {
    await workers?.close();
    await api?.close();
    if (config) await deleteKeysUnder(redis.url, config.REDIS_PREFIX);
    await redis?.stop();
  });

  it('request latency per route (a histogram)', () => {
    expect(apiText).toContain('# TYPE affinity_http_request_duration_seconds histogram');
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/v1/users/:id/recommendations', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/v1/search', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it("names the route of a request refused before its handler ran; 'unmatched' only for no route; a mount by its path", () => {
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/v1/events', status: '400' })).toBe(1);
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/v1/events', status: '415' })).toBe(1);
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/v1/search', status: '400' })).toBe(1);
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(apiText, 'affinity_http_request_duration_seconds_count', { route: '/admin/queues', status: '200' })).toBe(1);
    expect(apiText).not.toMatch(/route="[^"]*,/);
  });

  it('embedding batch sizes, queue wait and the embedding cache', () => {
    expect(sample(apiText, 'affinity_embed_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'affinity_embed_queue_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'affinity_embed_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'affinity_embed_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
  });

  it("the recommender's candidate cache: the second identical request is a hit", () => {
    expect(sample(apiText, 'affinity_recommend_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'affinity_recommend_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
  });

  it('queue depths per queue and state, read from Redis at scrape time', () => {
    expect(apiText).toContain('# TYPE affinity_queue_jobs gauge');
    expect(sample(apiText, 'affinity_queue_jobs', { queue: 'affinity-train', state: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'affinity_queue_jobs', { queue: 'affinity-refresh', state: 'waiting' })).toBe(0);
  });

  it('the model version in service per kind', () => {
    expect(sample(apiText, 'affinity_model_version_info', { kind: 'recommend', version: api.recommend.modelVersion! })).toBe(1);
    expect(sample(apiText, 'affinity_model_version_info', { kind: 'encoder', version: api.embedding.service.info!.id })).toBe(1);
    // no chat model was trained: no series rather than a made-up version
    expect(sample(apiText, 'affinity_model_version_info', { kind: 'intents' })).toBeUndefined();
  });

  it("job durations, queue waits and failures on the worker's own metrics port", () => {
    expect(workerText).toContain('# TYPE affinity_job_duration_seconds histogram');
    expect(sample(workerText, 'affinity_job_duration_seconds_count', { job_name: 'train-recommend', status: 'promoted' })).toBe(1);
    // the item upsert queued an embed-items job for the other processes
    expect(sample(workerText, 'affinity_job_duration_seconds_count', { job_name: 'embed-items' })).toBeGreaterThanOrEqual(1);
    expect(sample(workerText, 'affinity_job_wait_seconds_count', { job_name: 'train-recommend' })).toBe(1);
    expect(sample(workerText, 'affinity_job_failures_total', { job_name: 'train-recommend', final: 'true' })).toBe(0);
    // the worker's registry carries the process metrics too
    expect(workerText).toContain('process_cpu_seconds_total');
  });

  it('every metric the Grafana dashboard queries is on a scrape', () => {
    const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'infra', 'grafana', 'affinity-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const families = new Set(exprs.flatMap((e) => e.match(/affinity_[a-z0-9_]+/g) ?? []).map((m) => m.replace(/_(bucket|sum|count)$/, '')));
    expect(families.size).toBeGreaterThanOrEqual(10);
    const scraped = `${apiText}\n${workerText}`;
    for (const f of families) expect(scraped, f).toMatch(new RegExp(`^# TYPE ${f} `, 'm'));
  });

  it('counts a job that can never succeed as a final failure', async () => {
    const prefix = `${config.REDIS_PREFIX}-fail`;
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const running = startJobWorkers({
      redisUrl: redis.url,
      prefix,
      log,
      metrics,
      handlers: {
        'rebuild-index': async () => Promise.reject(appError('VALIDATION_FAILED', 'nothing to rebuild from')),
        // a server-side error no retry mends: the data set is missing
        'train-intents': async () => Promise.reject(appError('CHAT_TRAINING_DATA_NOT_FOUND', 'no intents at /nowhere.csv')),
      },
    });
    const queue = new JobQueue(redis.url, prefix);
    try {
      const ids = [await queue.enqueue('rebuild-index', {}), await queue.enqueue('train-intents', {})];
      for (const id of ids) await until('the job to fail', 20_000, async () => (await queue.get(id))?.state === 'failed');
      const text = await metrics.render();
      for (const [i, job] of ['rebuild-index', 'train-intents'].entries()) {
        expect(sample(text, 'affinity_job_failures_total', { job_name: job, final: 'true' }), job).toBe(1);
        // one attempt: no retry of what cannot succeed
        expect(sample(text, 'affinity_job_duration_seconds_count', { job_name: job, status: 'error' }), job).toBe(1);
        expect((await queue.get(ids[i]!))?.attempts, job).toBe(1);
      }
    } finally {
      await running.close();
      await queue.close();
      await deleteKeysUnder(redis.url, prefix);
    }
  });
});
