// Composition root of the HTTP API: builds every service from the config and mounts them.
import type { Express } from 'express';
import type { Config } from '../shared/config/index.ts';
import { createApp } from '../shared/http/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { MetricsRegistry } from '../shared/metrics/index.ts';
import { openDatabase, type SqlDatabase } from '../shared/storage/index.ts';
import { createEmbedding, type EmbeddingModule } from '../services/embed/index.ts';
import { createRecommend, type RecommendModule } from '../services/recommend/index.ts';

export interface Api {
  app: Express;
  embedding: EmbeddingModule;
  recommend: RecommendModule;
  db: SqlDatabase;
  metrics: MetricsRegistry;
  /** Loads models and builds indexes; resolves when the API can serve everything. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function composeApi(config: Config, log: Logger, opts: { defaultMetrics?: boolean } = {}): Api {
  const metrics = new MetricsRegistry({ defaultMetrics: opts.defaultMetrics });
  const db = openDatabase(config);
  const embedding = createEmbedding(config, { log, metrics });
  const recommend = createRecommend(config, { db, embed: embedding.service, log });
  const app = createApp({
    log,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT,
    routers: [embedding.router, ...recommend.routers],
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
    async start() {
      await embedding.load();
      await recommend.start();
    },
    async close() {
      await embedding.service.close();
      await db.close();
    },
  };
}
