// Composition root of the HTTP API: builds every service from the config and mounts them.
import type { Express } from 'express';
import { createAuth, type AuthModule } from '../shared/auth/index.ts';
import type { Config } from '../shared/config/index.ts';
import { dashboardRouter } from '../shared/dashboard/index.ts';
import { isAppError } from '../shared/errors/index.ts';
import { createApp } from '../shared/http/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { MetricsRegistry, registerModelVersions } from '../shared/metrics/index.ts';
import { jobsRouter, JobQueue, ModelSignals, queueBoardRouter, registerQueueMetrics, type ModelSignal } from '../shared/queues/index.ts';
import { registryRouter } from '../shared/registry/index.ts';
import { createRedis, type RedisClient } from '../shared/redis/index.ts';
import { openDatabase, type SqlDatabase } from '../shared/storage/index.ts';
import { createChat, type ChatModule, type ProductPort } from '../services/chat/index.ts';
import { createEmbedding, type EmbeddingModule } from '../services/embed/index.ts';
import { createPrivacy, type PrivacyModule } from '../services/privacy/index.ts';
import { createRecommend, type RecommendModule } from '../services/recommend/index.ts';

export interface Api {
  app: Express;
  embedding: EmbeddingModule;
  recommend: RecommendModule;
  chat: ChatModule;
  /** API keys and the access layer (`firstStartKey` for `npm start`). */
  auth: AuthModule;
  privacy: PrivacyModule;
  db: SqlDatabase;
  /** Request-path Redis client (chat sessions): fails fast while Redis is down. */
  redis: RedisClient;
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
  const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
  const signals = new ModelSignals(config.REDIS_URL, config.REDIS_PREFIX, log);
  const recommend = createRecommend(config, {
    db,
    embed: embedding.service,
    log,
    metrics,
    // the other serving processes hear of catalog changes through the queue and the signals
    announce: {
      itemsUpserted: async (ids) => void (await queue.enqueue('embed-items', { itemIds: ids })),
      itemsRemoved: async (ids) => void (await signals.publish({ kind: 'catalog-items', action: 'changed', upserted: [], removed: ids })),
    },
  });
  const redis = createRedis(config.REDIS_URL, { keyPrefix: `${config.REDIS_PREFIX}:`, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, log });
  // rate limits are counted in Redis (shared by every API process), here while it is down
  const auth = createAuth(config, { db, redis, log });
  // the chat calls the recommend service in process; it suggests nothing while the catalog is
  // still loading (a user's candidates would be scored, and cached, against a half-loaded one)
  const products: ProductPort = {
    search: async (q, k) => (!recommend.ready ? [] : await recommend.search.search(q, k, {})).map((h) => ({ id: h.id, title: h.title, category: h.category, price: h.price, lexical: h.matched.includes('lexical') })),
    recommendFor: async (userId, k) =>
      (!recommend.ready ? [] : (await recommend.recommend.forUser(userId, { k, diversity: 0 })).items).map((h) => ({ id: h.id, title: h.title, category: h.category, price: h.price, lexical: false, reason: h.reason })),
    similarTo: async (itemId, k) => {
      if (!recommend.ready) return [];
      const hits = await recommend.recommend.similar(itemId, k, {}).catch((err: unknown) => {
        if (isAppError(err) && (err.code === 'ITEM_NOT_FOUND' || err.code === 'ITEM_NOT_INDEXED')) return [];
        throw err;
      });
      return hits.map((h) => ({ id: h.id, title: h.title, category: h.category, price: h.price, lexical: false, reason: h.reason }));
    },
  };
  const chat = createChat(config, {
    db,
    embed: embedding.service,
    redis,
    log,
    products,
    // the other serving processes reload the knowledge base (this one hears it too: a reload of what it has)
    announceKb: async (change) => void (await signals.publish({ kind: 'kb-entries', action: 'changed', ...change })),
  });
  const personalData = [chat.personalData, recommend.personalData];
  // what a serving process holds in memory about a user: cached candidates, and cached
  // embeddings (keyed by text, a chat message among them)
  const forgetUser = (userId: string) => {
    for (const source of personalData) source.forgetUser?.(userId);
    embedding.service.clearCache();
  };
  const privacy = createPrivacy({
    sources: personalData,
    // here at once; every other serving process through the signal
    onErased: async (userId) => {
      forgetUser(userId);
      await signals.publish({ kind: 'user-erased', userId }, { timeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
    },
    log,
  });
  registerQueueMetrics(metrics, queue, log);
  registerModelVersions(metrics, () => [
    { kind: 'encoder', version: embedding.service.info?.id },
    { kind: 'recommend', version: recommend.modelVersion },
    { kind: 'intents', version: chat.models.version('intents') },
    { kind: 'sentiment', version: chat.models.version('sentiment') },
  ]);
  // every serving process reloads what a worker (or another process's admin call) put in service
  const onSignal = async (signal: ModelSignal | { kind: string }) => {
    const kind = signal.kind;
    if ('userId' in signal) forgetUser(signal.userId);
    else if (signal.kind === 'kb-entries' && 'upserted' in signal) await chat.kb.applyChange(signal);
    else if ('upserted' in signal) await recommend.applyCatalogChange(signal);
    else if (kind === 'recommend') await recommend.reloadModel();
    else if (kind === 'catalog-index') await recommend.reloadCatalog();
    else if (kind === 'intents' || kind === 'sentiment') await chat.reloadModel(kind);
    else if (kind === 'kb') await chat.kb.load();
  };
  // after the signals were down (Redis away): whatever was announced meanwhile is read again
  const resync = async () => {
    log.info('model signals are back: reloading what may have changed while they were down');
    recommend.recommend.forgetAllUsers();
    embedding.service.clearCache();
    await recommend.reloadModel();
    await chat.reloadModel('intents');
    await chat.reloadModel('sentiment');
    await chat.kb.load();
    await recommend.reloadCatalog();
  };
  const app = createApp({
    log,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT,
    routers: [
      embedding.router,
      ...recommend.routers,
      ...chat.routers,
      ...privacy.routers,
      registryRouter(recommend.registry, async (kind, version, action) => {
        await onSignal({ kind });
        // announced in the background: with Redis away the other processes catch up on restart
        void signals.publish({ kind, version, action }).catch((err: unknown) => log.warn({ err }, 'could not announce the model change'));
      }, (kind) => (kind === 'recommend' ? recommend.modelVersion : kind === 'intents' || kind === 'sentiment' ? chat.models.version(kind) : undefined)),
      jobsRouter(queue),
      queueBoardRouter(queue),
      dashboardRouter(),
      auth.routes,
    ],
    access: auth.access,
    corsOrigins: config.CORS_ORIGINS,
    readiness: [
      { name: 'embed', check: () => embedding.service.ready },
      { name: 'recommend', check: () => recommend.ready },
      // Redis is not a readiness check: with Redis away the API keeps serving reads (only
      // sessions and job routes answer 503), so a load balancer must keep routing to it
      { name: 'chat', check: () => chat.ready },
    ],
  });
  return {
    app,
    auth,
    embedding,
    recommend,
    chat,
    privacy,
    db,
    redis,
    metrics,
    queue,
    async start() {
      // the subscription waits for Redis in the background: serving does not depend on it
      void signals.subscribe(onSignal, resync).catch((err: unknown) => log.warn({ err }, 'model signals unavailable; reloads need a restart'));
      // resolves false at once when Redis is down (the client keeps reconnecting): the start does not wait for it
      const redisUp = redis.connect();
      await auth.ready();
      await embedding.load();
      await Promise.all([recommend.start(), chat.start()]);
      await redisUp;
    },
    async close() {
      await signals.close();
      await queue.close();
      await chat.close();
      await auth.close();
      await redis.close();
      await embedding.service.close();
      await db.close();
    },
  };
}
