// Composition root of the HTTP API: builds every service from the config and mounts them.
import type { Express } from 'express';
import type { Config } from '../shared/config/index.ts';
import { createApp } from '../shared/http/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { MetricsRegistry } from '../shared/metrics/index.ts';
import { createEmbedding, type EmbeddingModule } from '../services/embed/index.ts';

export interface Api {
  app: Express;
  embedding: EmbeddingModule;
  metrics: MetricsRegistry;
  /** Loads models; resolves when the API can serve everything. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function composeApi(config: Config, log: Logger, opts: { defaultMetrics?: boolean } = {}): Api {
  const metrics = new MetricsRegistry({ defaultMetrics: opts.defaultMetrics });
  const embedding = createEmbedding(config, { log, metrics });
  const app = createApp({
    log,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT,
    routers: [embedding.router],
    readiness: [{ name: 'embed', check: () => embedding.service.ready }],
  });
  return {
    app,
    embedding,
    metrics,
    async start() {
      await embedding.load();
    },
    async close() {
      await embedding.service.close();
    },
  };
}
