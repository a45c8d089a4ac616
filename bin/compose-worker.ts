// Composition root of the workers: the job handlers of every service on BullMQ.
import type { Config } from '../shared/config/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { MetricsRegistry, serveMetrics } from '../shared/metrics/index.ts';
import { JobQueue, ModelSignals, startJobWorkers, type JobHandlers } from '../shared/queues/index.ts';
import { openDatabase } from '../shared/storage/index.ts';
import { chatMigrations, FeedbackRepository, trainChatModelJob } from '../services/chat/index.ts';
import { createEmbedding } from '../services/embed/index.ts';
import { purgeRetentionJob, retentionRules } from '../services/privacy/index.ts';
import {
  CatalogRepository,
  catalogMigrations,
  embedItemsJob,
  ItemEmbedder,
  itemVectorMigrations,
  ItemVectorRepository,
  nightlyJob,
  rebuildIndexJob,
  trainRecommendJob,
} from '../services/recommend/index.ts';

export interface Workers {
  queue: JobQueue;
  /** Job durations, queue waits and failures (served on WORKER_METRICS_PORT unless a registry was given). */
  metrics: MetricsRegistry;
  close(): Promise<void>;
}

/**
 * Builds the workers. Their metrics go to `opts.metrics` when given (workers inside the API
 * process report on the API's `/metrics`); otherwise to a registry of their own, served on
 * WORKER_METRICS_PORT.
 */
export async function composeWorkers(
  config: Config,
  log: Logger,
  opts: {
    metrics?: MetricsRegistry;
    /**
     * Whether these workers install (or, with NIGHTLY_CRON/RETENTION_CRON `off`, remove) the
     * schedules. A one-off run (`jobs run --work`) leaves the deployment's schedules as they are.
     * @defaultValue true
     */
    schedules?: boolean;
  } = {},
): Promise<Workers> {
  const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
  const signals = new ModelSignals(config.REDIS_URL, config.REDIS_PREFIX, log);
  const db = openDatabase(config);
  await db.migrate([...catalogMigrations, ...itemVectorMigrations, ...chatMigrations]);
  const repository = new CatalogRepository(db);
  // the encoder loads on the first embed-items job: a worker that only trains never holds one
  const embedding = createEmbedding(config, { log, metrics: new MetricsRegistry({ defaultMetrics: false }) });
  let embedder: Promise<ItemEmbedder> | undefined;
  const loadEmbedder = () =>
    (embedder ??= embedding.load().then(
      () => new ItemEmbedder(embedding.service, config.ITEM_TEXT_TEMPLATE, new ItemVectorRepository(db)),
      (err: unknown) => {
        embedder = undefined; // the next job tries again
        throw err;
      },
    ));
  const handlers: JobHandlers = {
    'embed-items': embedItemsJob({ repository, embedder: loadEmbedder, signals, log }),
    'train-recommend': trainRecommendJob(config, signals),
    'rebuild-index': rebuildIndexJob(signals),
    'train-intents': trainChatModelJob(config, signals, 'intents'),
    'train-sentiment': trainChatModelJob(config, signals, 'sentiment'),
    'purge-retention': purgeRetentionJob(retentionRules(config, repository, new FeedbackRepository(db))),
  };
  handlers.nightly = nightlyJob(handlers);
  const metrics = opts.metrics ?? new MetricsRegistry();
  const metricsServer = !opts.metrics && config.WORKER_METRICS_PORT > 0 ? await serveMetrics(metrics, { port: config.WORKER_METRICS_PORT, host: config.HOST, log }) : undefined;
  const running = startJobWorkers({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    handlers,
    log,
    lockMs: config.WORKER_LOCK_MS,
    stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
    metrics,
  });
  if (opts.schedules ?? true) {
    if (config.NIGHTLY_CRON !== 'off') {
      // waits for Redis in the background: a Redis that is down must not hold up a start
      void queue
        .scheduleNightly(config.NIGHTLY_CRON, config.NIGHTLY_TZ)
        .then(() => log.info({ cron: config.NIGHTLY_CRON, tz: config.NIGHTLY_TZ }, 'nightly flow scheduled'))
        .catch((err: unknown) => log.error({ err }, 'could not schedule the nightly flow'));
    } else {
      unschedule(queue, 'nightly', log, 'NIGHTLY_CRON=off');
    }
    if (config.RETENTION_CRON !== 'off' && (config.RETENTION_EVENTS_DAYS > 0 || config.RETENTION_TRANSCRIPTS_DAYS > 0)) {
      void queue
        .scheduleJob('purge-retention', config.RETENTION_CRON, config.NIGHTLY_TZ, {})
        .then(() => log.info({ cron: config.RETENTION_CRON, tz: config.NIGHTLY_TZ }, 'purge-retention scheduled'))
        .catch((err: unknown) => log.error({ err }, 'could not schedule purge-retention'));
    } else {
      unschedule(queue, 'purge-retention', log, config.RETENTION_CRON === 'off' ? 'RETENTION_CRON=off' : 'no retention period set');
    }
  }
  log.info({ jobs: Object.keys(handlers), redis: config.REDIS_URL.replace(/\/\/[^@]*@/, '//***@') }, 'workers running');
  return {
    queue,
    metrics,
    async close() {
      // workers first: the job in hand finishes (or is handed back) before its resources go
      await running.close();
      await metricsServer?.close();
      await queue.close();
      await signals.close();
      await embedding.service.close();
      await db.close();
    },
  };
}

/** A schedule turned off: the one an earlier worker installed in Redis goes too (in the background, as scheduling does). */
function unschedule(queue: JobQueue, name: 'nightly' | 'purge-retention', log: Logger, why: string): void {
  void queue
    .unschedule(name)
    .then((removed) => removed && log.info({ job: name, why }, `${name} schedule removed`))
    .catch((err: unknown) => log.error({ err }, `could not remove the ${name} schedule`));
}
