// Composition root of the HTTP API: builds every service from the config and mounts them.
import type { Express } from 'express';
import type { Config } from '../shared/config/index.ts';
import { createApp } from '../shared/http/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { MetricsRegistry } from '../shared/metrics/index.ts';
import { jobsRouter, JobQueue, ModelSignals } from '../shared/queues/index.ts';
import { registryRouter } from '../shared/registry/index.ts';
import { openDatabase, type SqlDatabase } from '../shared/storage/index.ts';
import { createEmbedding, type EmbeddingModule } from '../services/embed/index.ts';
import { createRecommend, type RecommendModule } from '../services/recommend/index.ts';

export interface Api {
  app: Express;
  embedding: EmbeddingModule;
  recommend: RecommendModule;
  db: SqlDatabase;
  metrics: MetricsRegistry;
  queue: JobQueue;
  /** Loads models and builds indexes; resolves when the API can serve everything. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function composeApi(config: Config, log: Logger, opts: { defaultMetrics?: boolean } = {}): Api {
  const metrics = new MetricsRegistry({ defaultMetrics: opts.defaultMetrics });
  const db = openDatabase(config);
  const embedding = createEmbedding(config, { log, metrics });
  const recommend = createRecommend(config, { db, embed: embedding.service, log });
  const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
  const signals = new ModelSignals(config.REDIS_URL, config.REDIS_PREFIX, log);
  // every serving process reloads what a worker (or another process's admin call) put in service
  const onSignal = async ({ kind }: { kind: string }) => {
    if (kind === 'recommend') await recommend.reloadModel();
    else if (kind === 'catalog-index') await recommend.live.load(await recommend.repository.allItems());
  };
  const app = createApp({
    log,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT,
    routers: [
      embedding.router,
      ...recommend.routers,
      registryRouter(recommend.registry, async (kind, version, action) => {
        await onSignal({ kind });
        // announced in the background: with Redis away the other processes catch up on restart
        void signals.publish({ kind, version, action }).catch((err: unknown) => log.warn({ err }, 'could not announce the model change'));
      }),
      jobsRouter(queue),
    ],
    readiness: [
      { name: 'embed', check: () => embedding.service.ready },
      { name: 'recommend', check: () => recommend.ready },
    ],
  });
  return {
    app,
    embedding,
    recommend,
    db,
    metrics,
    queue,
    async start() {
      // the subscription waits for Redis in the background: serving does not depend on it
      void signals.subscribe(onSignal).catch((err: unknown) => log.warn({ err }, 'model signals unavailable; reloads need a restart'));
      await embedding.load();
      await recommend.start();
    },
    async close() {
      await signals.close();
      await queue.close();
      await embedding.service.close();
      await db.close();
    },
  };
}
