import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import { chatMigrations, FeedbackRepository } from '../../../services/chat/index.ts';
import { purgeRetention, retentionRules } from '../../../services/privacy/index.ts';
import { CatalogRepository, catalogMigrations } from '../../../services/recommend/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { openDatabase, type SqlDatabase } from '../../../shared/storage/index.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, testRedis, until, type TestRedis } from '../../support/redis.ts';
import { runJob } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

describe('retention: exactly what is older than the limit is purged', () => {
  let config: Config;
  let db: SqlDatabase;
  let events: CatalogRepository;
  let feedback: FeedbackRepository;

  beforeAll(async () => {
    config = testConfig({ RETENTION_EVENTS_DAYS: '30', RETENTION_TRANSCRIPTS_DAYS: '7' });
    db = openDatabase(config);
    await db.migrate([...catalogMigrations, ...chatMigrations]);
    events = new CatalogRepository(db);
    feedback = new FeedbackRepository(db);
    await events.upsertItems([{ id: 'i1', title: 'Item', in_stock: true }]);
  });
  afterAll(async () => {
    await db?.close();
    if (config) rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
  });

  it('deletes events stamped before now − RETENTION_EVENTS_DAYS and corrections recorded before now − RETENTION_TRANSCRIPTS_DAYS, not one at the limit', async () => {
    const eventCutoff = NOW - 30 * DAY;
    const stamps = { ancient: 0, older: eventCutoff - 1, atLimit: eventCutoff, newer: eventCutoff + 1, now: NOW, future: NOW + DAY };
    await events.insertEvents(Object.entries(stamps).map(([name, ts]) => ({ user_id: `u-${name}`, item_id: 'i1', type: 'view' as const, timestamp: ts, event_id: name })));
    const fbCutoff = NOW - 7 * DAY;
    const recorded = { older: fbCutoff - 1, atLimit: fbCutoff, newer: fbCutoff + 1 };
    for (const [i, [name, at]] of Object.entries(recorded).entries()) {
      await feedback.record({ session_id: `s-${name}`, message_index: i, text: name, predicted_intent: null, intent: 'x' }, at);
    }

    const outcome = await purgeRetention(retentionRules(config, events, feedback), NOW);
    expect(outcome).toEqual({
      purged: { events: 2, chat_feedback: 1 },
      cutoffs: { events: new Date(eventCutoff).toISOString(), chat_feedback: new Date(fbCutoff).toISOString() },
    });
    expect((await events.allEvents()).map((e) => e.user_id).sort()).toEqual(['u-atLimit', 'u-future', 'u-newer', 'u-now']);
    expect((await feedback.all()).map((f) => f.text).sort()).toEqual(['atLimit', 'newer']);

    // a millisecond later the rows at the limit are older than it
    expect((await purgeRetention(retentionRules(config, events, feedback), NOW + 1)).purged).toEqual({ events: 1, chat_feedback: 1 });
    // and nothing is left to purge at that time
    expect((await purgeRetention(retentionRules(config, events, feedback), NOW + 1)).purged).toEqual({ events: 0, chat_feedback: 0 });
  });

  it('keeps everything of a kind whose limit is 0', async () => {
    const forever = testConfig({ RETENTION_EVENTS_DAYS: '0', RETENTION_TRANSCRIPTS_DAYS: '0' });
    rmSync(forever.AFFINITY_DATA_DIR, { recursive: true, force: true });
    const before = await events.countEvents();
    expect(await purgeRetention(retentionRules(forever, events, feedback), NOW + 1000 * DAY)).toEqual({ purged: {}, cutoffs: {} });
    expect(await events.countEvents()).toBe(before);
  });
});

describe('purge-retention as a job: queued by the admin API, run by a worker, scheduled daily', () => {
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let workers: Workers;
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, RETENTION_EVENTS_DAYS: '365', RETENTION_TRANSCRIPTS_DAYS: '30', RETENTION_CRON: '15 4 * * *' });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    workers = await composeWorkers(config, log);
  });
  afterAll(async () => {
    await workers?.close();
    await api?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    await redis?.stop();
  });

  it('purges what is older than the limits and reports it', async () => {
    const now = Date.now();
    await request(api.app).put('/v1/items').send({ items: [{ id: 'i1', title: 'Item' }] });
    const ts = [now - 400 * DAY, now - 366 * DAY, now - 364 * DAY, now - DAY];
    expect((await request(api.app).post('/v1/events').send({ events: ts.map((t, i) => ({ user_id: `u${i}`, item_id: 'i1', type: 'view', timestamp: t })) })).status).toBe(200);
    await api.chat.feedback.record({ session_id: 'old', message_index: 0, text: 'where is my order', predicted_intent: null, intent: 'track_order' }, now - 31 * DAY);
    await api.chat.feedback.record({ session_id: 'new', message_index: 0, text: 'cancel my order', predicted_intent: null, intent: 'cancel_order' }, now - 29 * DAY);

    const job = await runJob(api.app, 'purge-retention');
    expect(job.result).toMatchObject({ status: 'done', purged: { events: 2, chat_feedback: 1 } });
    expect((await api.recommend.repository.allEvents()).map((e) => e.user_id).sort()).toEqual(['u2', 'u3']);
    expect((await api.chat.feedback.all()).map((f) => f.session_id)).toEqual(['new']);
  });

  it('is scheduled on RETENTION_CRON', async () => {
    const schedulers = await workers.queue.queue('affinity-refresh').getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'purge-retention', pattern: '15 4 * * *', tz: config.NIGHTLY_TZ })]);
  });

  it('is unscheduled by a worker started with RETENTION_CRON=off, and the nightly flow by NIGHTLY_CRON=off', async () => {
    // a schedule lives in Redis, not in the worker that installed it
    const keys = async (w: Workers) => [
      ...(await w.queue.queue('affinity-train').getJobSchedulers()).map((j) => j.key),
      ...(await w.queue.queue('affinity-refresh').getJobSchedulers()).map((j) => j.key),
    ];
    const nightlyOn = await composeWorkers({ ...config, NIGHTLY_CRON: '0 3 * * *' }, log);
    try {
      await until('the nightly flow scheduled', 10_000, async () => (await keys(nightlyOn)).sort().join() === 'nightly,purge-retention');
    } finally {
      await nightlyOn.close();
    }
    const off = await composeWorkers({ ...config, NIGHTLY_CRON: 'off', RETENTION_CRON: 'off' }, log);
    try {
      await until('both schedules removed', 10_000, async () => (await keys(off)).length === 0);
    } finally {
      await off.close();
    }
  });
});
