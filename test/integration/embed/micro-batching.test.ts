import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { pino } from 'pino';
import { EmbedService } from '../../../services/embed/embed-service.ts';
import { Encoder } from '../../../services/embed/encoder.ts';
import { readBanking77 } from '../../../shared/datasets/labelled-text.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { sharedDir, testModelDir } from '../../support/paths.ts';

// The engine as a server uses it: many concurrent single-text callers, coalesced by the
// micro-batcher into sorted, split runs over two worker threads; every caller must get back
// its own text's vector, the same as when embedded alone.
describe('micro-batched embedding through EmbedService (fp32, 2 workers)', () => {
  const log = pino({ level: 'silent' });
  const texts = readBanking77(path.join(sharedDir(), 'data', 'banking77', 'test.csv'))
    .slice(0, 120)
    .map((r) => r.text);
  let alone: Encoder;
  let service: EmbedService;
  let metrics: MetricsRegistry;

  beforeAll(async () => {
    const opts = { id: 'mb', dtype: 'fp32' as const, device: 'cpu' as const, intraOpThreads: 1, interOpThreads: 1, normalize: true, log };
    alone = await Encoder.load(testModelDir('minilm-l6'), { ...opts, workers: 1 });
    metrics = new MetricsRegistry({ defaultMetrics: false });
    service = new EmbedService({
      maxBatchSize: 32,
      maxBatchTokens: 8192,
      runOverheadTokens: 8,
      maxWaitMs: 5,
      maxQueue: 10_000,
      maxConcurrency: 2,
      cacheSize: 0,
      metrics,
      log,
    });
    service.setEncoder(await Encoder.load(testModelDir('minilm-l6'), { ...opts, workers: 2 }));
  });
  afterAll(async () => {
    await alone.close();
    await service.close();
  });

  it('routes each concurrent caller its own vector, equal to the text embedded alone (<= 1e-5)', async () => {
    const results = await Promise.all(texts.map((t) => service.embed([t])));
    const runs = (await metrics.render()).match(/affinity_embed_batch_size_count (\d+)/);
    // coalesced: far fewer runs than callers
    expect(Number(runs?.[1])).toBeLessThan(texts.length / 4);
    for (const [i, t] of texts.entries()) {
      const [ref] = await alone.embed([alone.tokenize(t)]);
      const got = results[i]!.vectors[0]!;
      let diff = 0;
      for (let j = 0; j < got.length; j++) diff = Math.max(diff, Math.abs(got[j]! - ref![j]!));
      expect(diff).toBeLessThanOrEqual(1e-5);
    }
  });

  it('reports tokens and truncation per input', async () => {
    const r = await service.embed(['short', 'a somewhat longer sentence about a refund']);
    expect(r.tokens[0]).toBeLessThan(r.tokens[1]!);
    expect(r.truncated).toEqual([false, false]);
  });
});

/** An engine on the tiny test encoder (one worker), with the batching, queue and cache sizes given. */
async function tinyService(sizes: { maxBatchSize: number; maxQueue: number; cacheSize: number }): Promise<EmbedService> {
  const log = pino({ level: 'silent' });
  const service = new EmbedService({ ...sizes, maxBatchTokens: 8192, runOverheadTokens: 8, maxWaitMs: 1, maxConcurrency: 1, metrics: new MetricsRegistry({ defaultMetrics: false }), log });
  service.setEncoder(await Encoder.load(testModelDir('tiny'), { id: 'tiny', dtype: 'fp32', device: 'cpu', intraOpThreads: 1, interOpThreads: 1, normalize: true, log, workers: 1 }));
  return service;
}

describe('the embedding cache', () => {
  it('keeps each vector in a buffer of its own, not a view of its whole batch', async () => {
    const service = await tinyService({ maxBatchSize: 64, maxQueue: 1000, cacheSize: 100 });
    try {
      const texts = Array.from({ length: 16 }, (_, i) => `text number ${i}`);
      const first = await service.embed(texts);
      const again = await service.embed([texts[3]!]);
      const cached = again.vectors[0]!;
      expect(Array.from(cached)).toEqual(Array.from(first.vectors[3]!));
      // a view would keep the other 15 rows alive as long as this one is cached
      expect(cached.buffer.byteLength).toBe(cached.byteLength);
    } finally {
      await service.close();
    }
  });
});

describe('embedAll, for the service own bulk work', () => {
  it('embeds more texts than the queue holds, in parts, where one request of them is refused', async () => {
    const service = await tinyService({ maxBatchSize: 4, maxQueue: 8, cacheSize: 0 });
    try {
      const texts = Array.from({ length: 50 }, (_, i) => `question number ${i}`);
      await expect(service.embed(texts)).rejects.toMatchObject({ code: 'EMBED_OVERLOADED' });
      // with other callers filling the queue meanwhile
      const others = Promise.allSettled(Array.from({ length: 20 }, (_, i) => service.embed([`other ${i}`])));
      const all = await service.embedAll(texts);
      await others;
      expect(all.vectors).toHaveLength(50);
      const [alone] = (await service.embed([texts[37]!])).vectors;
      expect(Array.from(all.vectors[37]!)).toEqual(Array.from(alone!));
    } finally {
      await service.close();
    }
  });
});
