import os from 'node:os';
import { inApiCluster } from '../../shared/process/index.ts';
import type { Config } from '../../shared/config/index.ts';
import type { ApiRoutes } from '../../shared/http/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { MetricsRegistry } from '../../shared/metrics/index.ts';
import { EmbedService } from './embed-service.ts';
import { embeddingsRouter } from './embeddings.routes.ts';
import { Encoder } from './encoder.ts';
import { resolveModel } from './model-source.ts';

export interface EmbeddingModule {
  service: EmbedService;
  /** `POST /v1/embeddings`, with its OpenAPI operation. */
  router: ApiRoutes;
  /** Resolves, loads and installs the configured encoder; rejects (and records why) on failure. */
  load(): Promise<Encoder>;
}

/**
 * Worker threads and intra-op threads per worker. On CPU, one single-threaded session per
 * core beats one session spread over all cores for short texts (no synchronisation between
 * threads inside small matrix products); measured with `affinity bench embed`.
 */
export function threadPlan(config: Config, cores = os.availableParallelism()): { workers: number; intraOp: number } {
  const workers = config.EMBED_WORKERS || (config.EMBED_DEVICE === 'cpu' ? cores : 1);
  const intraOp = config.EMBED_INTRA_OP_THREADS || Math.max(1, Math.floor(cores / workers));
  return { workers, intraOp };
}

/**
 * Builds the embedding service and its routes from the configuration. Nothing is loaded
 * until `load()`, so an API can listen (and answer 503) while a model loads.
 */
export function createEmbedding(config: Config, deps: { log: Logger; metrics: MetricsRegistry }): EmbeddingModule {
  const log = deps.log.child({ module: 'embed' });
  // the processes of an API cluster share the cores
  const threads = threadPlan(config, inApiCluster() ? Math.max(1, Math.floor(os.availableParallelism() / config.API_PROCESSES)) : undefined);
  const service = new EmbedService({
    maxBatchSize: config.EMBED_MAX_BATCH,
    maxBatchTokens: config.EMBED_MAX_BATCH_TOKENS,
    runOverheadTokens: config.EMBED_RUN_OVERHEAD_TOKENS,
    maxWaitMs: config.EMBED_MAX_WAIT_MS,
    maxQueue: config.EMBED_MAX_QUEUE,
    maxConcurrency: threads.workers,
    cacheSize: config.EMBED_CACHE_SIZE,
    metrics: deps.metrics,
    log,
  });
  const aliases = config.EMBED_MODEL ? [config.EMBED_MODEL] : [];
  const router = embeddingsRouter(service, {
    maxInputs: config.EMBED_MAX_INPUTS,
    maxInputChars: config.EMBED_MAX_INPUT_CHARS,
    aliases,
  });
  const load = async (): Promise<Encoder> => {
    try {
      const started = performance.now();
      const model = await resolveModel(config, log);
      const encoder = await Encoder.load(model.dir, {
        id: model.id,
        dtype: config.EMBED_DTYPE,
        device: config.EMBED_DEVICE,
        workers: threads.workers,
        intraOpThreads: threads.intraOp,
        interOpThreads: config.EMBED_INTER_OP_THREADS,
        pooling: config.EMBED_POOLING || undefined,
        maxLength: config.EMBED_MAX_LENGTH || undefined,
        normalize: config.EMBED_NORMALIZE,
        log,
      });
      const previous = service.setEncoder(encoder);
      if (previous) await previous.close();
      log.info({ ...encoder.info, origin: model.origin, ms: Math.round(performance.now() - started) }, `encoder ${encoder.info.id} ready`);
      return encoder;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      service.setLoadError(e);
      throw e;
    }
  };
  return { service, router, load };
}
