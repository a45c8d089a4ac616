import type { Router } from 'express';
import type { Config } from '../../shared/config/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { MetricsRegistry } from '../../shared/metrics/index.ts';
import { EmbedService } from './embed-service.ts';
import { embeddingsRouter } from './embeddings.routes.ts';
import { Encoder } from './encoder.ts';
import { resolveModel } from './model-source.ts';

export interface EmbeddingModule {
  service: EmbedService;
  router: Router;
  /** Resolves, loads and installs the configured encoder; rejects (and records why) on failure. */
  load(): Promise<Encoder>;
}

/** Default fixed cost of one inference run, in tokens (see bench/embed for how it was chosen). */
const RUN_OVERHEAD_TOKENS = 256;

/**
 * Builds the embedding service and its routes from the configuration. Nothing is loaded
 * until `load()`, so an API can listen (and answer 503) while a model loads.
 */
export function createEmbedding(config: Config, deps: { log: Logger; metrics: MetricsRegistry }): EmbeddingModule {
  const log = deps.log.child({ module: 'embed' });
  const service = new EmbedService({
    maxBatchSize: config.EMBED_MAX_BATCH,
    maxBatchTokens: config.EMBED_MAX_BATCH_TOKENS,
    runOverheadTokens: RUN_OVERHEAD_TOKENS,
    maxWaitMs: config.EMBED_MAX_WAIT_MS,
    maxQueue: config.EMBED_MAX_QUEUE,
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
        intraOpThreads: config.EMBED_INTRA_OP_THREADS,
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
