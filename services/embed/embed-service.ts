import { setTimeout as sleep } from 'node:timers/promises';
import { appError, isAppError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { MetricsRegistry } from '../../shared/metrics/index.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import type { Encoder, EncoderInfo } from './encoder.ts';
import { MicroBatcher } from './micro-batcher.ts';
import type { TokenizedText } from './text-tokenizer.ts';

/** Texts per part of `embedAll`: at most half the queue, so that a part fits beside other traffic. */
const BULK_PART = 256;
/** Texts tokenized between two yields to the event loop (a 2,048-text request held it for seconds). */
const TOKENIZE_PART = 32;

export interface EmbedServiceOptions {
  maxBatchSize: number;
  maxBatchTokens: number;
  runOverheadTokens: number;
  maxWaitMs: number;
  maxQueue: number;
  /** Batches in flight at once: the encoder's worker count. */
  maxConcurrency?: number;
  cacheSize: number;
  metrics: MetricsRegistry;
  log: Logger;
}

export interface EmbedResult {
  vectors: Float32Array[];
  /** Tokens per input after truncation, special tokens included. */
  tokens: number[];
  truncated: boolean[];
}

/**
 * The embedding engine as the rest of Affinity sees it: an encoder behind a micro-batcher
 * and a cache. It starts empty (`ready` false) until `setEncoder` hands it a loaded model,
 * and a later `setEncoder` swaps models atomically (in-flight batches finish on the old one).
 */
export class EmbedService {
  private encoder: Encoder | undefined;
  private loadError: Error | undefined;
  private readonly cache: EmbeddingCache;
  private readonly batcher: MicroBatcher<TokenizedText & { encoder: Encoder }, Float32Array>;
  private readonly cacheLookups;
  private readonly tokensTotal;

  constructor(private readonly opts: EmbedServiceOptions) {
    this.cache = new EmbeddingCache(opts.cacheSize);
    const m = opts.metrics;
    this.cacheLookups = m.counter({ name: 'affinity_embed_cache_lookups_total', help: 'Embedding cache lookups', labelNames: ['result'] });
    this.tokensTotal = m.counter({ name: 'affinity_embed_tokens_total', help: 'Tokens embedded (real, not padding)' });
    const runItems = m.histogram({ name: 'affinity_embed_batch_size', help: 'Texts per inference run', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    const padding = m.histogram({ name: 'affinity_embed_padding_ratio', help: 'Padded tokens / real tokens per run', buckets: [1, 1.1, 1.25, 1.5, 2, 3, 5] });
    const wait = m.histogram({ name: 'affinity_embed_queue_wait_seconds', help: 'Longest queue wait in a run', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    const runTime = m.histogram({ name: 'affinity_embed_run_seconds', help: 'Inference time per run', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    const batcher = () => this.batcher;
    m.gauge({
      name: 'affinity_embed_queue_depth',
      help: 'Texts waiting to be embedded',
      collect() {
        this.set(batcher().queued);
      },
    });

    this.batcher = new MicroBatcher({
      maxBatchSize: opts.maxBatchSize,
      maxBatchTokens: opts.maxBatchTokens,
      runOverheadTokens: opts.runOverheadTokens,
      maxWaitMs: opts.maxWaitMs,
      maxQueue: opts.maxQueue,
      maxConcurrency: opts.maxConcurrency,
      length: (t) => t.ids.length,
      // every item of a dispatch was tokenized for one encoder; group by it in case of a swap
      run: async (items) => {
        const enc = items[0]!.encoder;
        if (items.every((i) => i.encoder === enc)) return enc.embed(items);
        return Promise.all(items.map(async (i) => (await i.encoder.embed([i]))[0]!));
      },
      onRun: (s) => {
        runItems.observe(s.items);
        padding.observe(s.paddedTokens / Math.max(1, s.realTokens));
        wait.observe(s.maxWaitMs / 1000);
        runTime.observe(s.runMs / 1000);
      },
    });
  }

  get ready(): boolean {
    return this.encoder !== undefined;
  }

  get info(): EncoderInfo | undefined {
    return this.encoder?.info;
  }

  /** Why the model failed to load, if it did. */
  get failure(): Error | undefined {
    return this.loadError;
  }

  setEncoder(encoder: Encoder): Encoder | undefined {
    const previous = this.encoder;
    this.encoder = encoder;
    this.loadError = undefined;
    if (previous && previous.info.id === encoder.info.id) this.cache.dropModel(previous.info.id);
    return previous;
  }

  /**
   * Forgets every cached embedding. Cache keys are the texts themselves (a chat message among
   * them), so an erasure clears the cache rather than leave a user's words in memory.
   */
  clearCache(): void {
    this.cache.clear();
  }

  /** Stops serving and releases the model (after the runs in flight). */
  async close(): Promise<void> {
    const enc = this.encoder;
    this.encoder = undefined;
    await enc?.close();
  }

  setLoadError(err: Error): void {
    this.loadError = err;
  }

  private current(): Encoder {
    if (!this.encoder) {
      const why = this.loadError ? `: ${this.loadError.message}` : '';
      throw appError('EMBED_MODEL_NOT_LOADED', `the embedding model is not loaded yet${why}`);
    }
    return this.encoder;
  }

  /**
   * Embeds any number of texts for work of the service's own (a knowledge base or a catalog to
   * load, a classifier to train): in parts the queue can always take, each part waiting for
   * room while the queue is full of others' texts, instead of failing with `EMBED_OVERLOADED`
   * as a request past the queue's size must.
   * @example const vectors = (await embed.embedAll(questions)).vectors
   */
  async embedAll(texts: readonly string[]): Promise<EmbedResult> {
    const part = Math.max(1, Math.min(BULK_PART, Math.floor(this.opts.maxQueue / 2)));
    const out: EmbedResult = { vectors: [], tokens: [], truncated: [] };
    for (let i = 0; i < texts.length; i += part) {
      const slice = texts.slice(i, i + part);
      for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
        try {
          const r = await this.embed(slice);
          out.vectors.push(...r.vectors);
          out.tokens.push(...r.tokens);
          out.truncated.push(...r.truncated);
          break;
        } catch (err) {
          if (!(isAppError(err) && err.code === 'EMBED_OVERLOADED')) throw err;
          await sleep(wait);
        }
      }
    }
    return out;
  }

  /**
   * Embeds texts with the current model, from the cache where possible.
   * @example const { vectors } = await embed.embed(['red running shoes'])
   */
  async embed(texts: readonly string[]): Promise<EmbedResult> {
    const encoder = this.current();
    const id = encoder.info.id;
    const vectors: Float32Array[] = new Array(texts.length);
    const tokens: number[] = new Array(texts.length);
    const truncated: boolean[] = new Array(texts.length);
    const missing: number[] = [];
    texts.forEach((text, i) => {
      const hit = this.cache.get(id, text);
      if (hit) {
        vectors[i] = hit.vector;
        tokens[i] = hit.tokens;
        truncated[i] = hit.truncated;
      } else missing.push(i);
    });
    this.cacheLookups.inc({ result: 'hit' }, texts.length - missing.length);
    this.cacheLookups.inc({ result: 'miss' }, missing.length);
    if (missing.length > 0) {
      const items: Array<TokenizedText & { encoder: Encoder }> = [];
      for (let k = 0; k < missing.length; k++) {
        // tokenizing runs on the event loop: let other requests (and probes) in between parts
        if (k > 0 && k % TOKENIZE_PART === 0) await new Promise((r) => setImmediate(r));
        items.push({ ...encoder.tokenize(texts[missing[k]!]!), encoder });
      }
      const out = await this.batcher.submitAll(items);
      missing.forEach((i, k) => {
        const item = items[k]!;
        vectors[i] = out[k]!;
        tokens[i] = item.ids.length;
        truncated[i] = item.truncated;
        this.tokensTotal.inc(item.ids.length);
        // a copy: the vector is a view of its whole batch's buffer (64 rows), which the cache
        // would otherwise keep alive after the batch's other vectors were evicted
        this.cache.set(id, texts[i]!, { vector: out[k]!.slice(), tokens: item.ids.length, truncated: item.truncated });
      });
    }
    return { vectors, tokens, truncated };
  }
}
