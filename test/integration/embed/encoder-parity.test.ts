// Our encoder against the plain Transformers.js pipeline on the same generated folders (equal
// embeddings), batching invariance, and int8 against fp32 — on real sentences.
import path from 'node:path';
import { Tensor, mean_pooling, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, pipelineEmbed } from '../../../bench/embed/pipeline-baseline.ts';
import { Encoder, type EncoderOptions } from '../../../services/embed/index.ts';
import { readBanking77, readSentimentSentences } from '../../../shared/datasets/labelled-text.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { sharedDir, testModelDir } from '../../support/paths.ts';

type Shape = 'tiny' | 'minilm-l6';

const log = createLogger({ level: 'silent' });
const banking = readBanking77(path.join(sharedDir(), 'data', 'banking77', 'test.csv')).map((r) => r.text);
const sentiment = readSentimentSentences(path.join(sharedDir(), 'data', 'sentiment-labelled-sentences')).map((r) => r.text);

function options(dtype: 'fp32' | 'int8'): EncoderOptions {
  return { id: `test-${dtype}`, dtype, device: 'cpu', workers: 1, intraOpThreads: 1, interOpThreads: 1, pooling: 'mean', normalize: true, log };
}

/** `count` texts spread evenly over the length distribution of `pool` (shortest to longest). */
function spreadByLength(pool: readonly string[], count: number): string[] {
  const sorted = [...new Set(pool)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return Array.from({ length: count }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (count - 1))]!);
}

/** Every `step`-th text: a deterministic sample that follows the file's own mix. */
const everyNth = (pool: readonly string[], count: number) =>
  Array.from({ length: count }, (_, i) => pool[Math.floor((i * pool.length) / count)]!);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** ~40 real sentences, short to long, none of them over the model's token limit. */
function paritySentences(enc: Encoder): string[] {
  const fits = (t: string) => !enc.tokenize(t).truncated;
  return [...spreadByLength(banking.filter(fits), 20), ...spreadByLength(sentiment.filter(fits), 20)];
}

describe.each(['tiny', 'minilm-l6'] as const)('encoder %s (fp32) vs the Transformers.js pipeline', (shape: Shape) => {
  const dir = testModelDir(shape);
  let enc: Encoder;
  let pipe: FeatureExtractionPipeline;

  beforeAll(async () => {
    [enc, pipe] = await Promise.all([Encoder.load(dir, options('fp32')), loadPipeline(dir, 'fp32')]);
  });
  afterAll(async () => {
    await Promise.all([enc?.close(), pipe?.dispose()]);
  });

  it('gives the same embeddings on ~40 real sentences of varied length (max abs diff <= 1e-4)', async () => {
    const texts = paritySentences(enc);
    expect(texts).toHaveLength(40);
    const lengths = texts.map((t) => enc.tokenize(t).ids.length);
    // varied: from a handful of tokens to several dozen
    expect(Math.min(...lengths)).toBeLessThanOrEqual(8);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(40);

    const ours = await enc.embed(texts.map((t) => enc.tokenize(t)));
    const theirs = await pipelineEmbed(pipe, texts);
    expect(ours).toHaveLength(texts.length);
    expect(theirs).toHaveLength(texts.length);
    expect(ours[0]).toHaveLength(enc.info.dim);
    const diffs = ours.map((v, i) => maxAbsDiff(v, theirs[i]!));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-4);
  });
});

describe('truncation at the model limit (tiny, 128 tokens)', () => {
  const dir = testModelDir('tiny');
  let enc: Encoder;
  let pipe: FeatureExtractionPipeline;
  // 30 real sentences back to back: far more than 128 tokens
  const long = sentiment.slice(0, 30).join(' ');

  beforeAll(async () => {
    [enc, pipe] = await Promise.all([Encoder.load(dir, options('fp32')), loadPipeline(dir, 'fp32')]);
  });
  afterAll(async () => {
    await Promise.all([enc?.close(), pipe?.dispose()]);
  });

  it('our tokenizer reports the cut and keeps [CLS] … [SEP] within 128 tokens', () => {
    expect(enc.info.maxLength).toBe(128);
    const t = enc.tokenize(long);
    expect(t.truncated).toBe(true);
    expect(t.ids.length).toBe(128);
    const short = enc.tokenize(banking[0]!);
    expect(short.truncated).toBe(false);
    // the special tokens around any content, as a short text shows them
    expect(t.ids[0]).toBe(short.ids[0]);
    expect(t.ids[127]).toBe(short.ids[short.ids.length - 1]);
  });

  it('agrees with Transformers.js on the kept tokens and on the embedding of what is kept', async () => {
    const ours = enc.tokenize(long);
    const theirIds = Array.from(pipe.tokenizer(long, { truncation: true }).input_ids.data as BigInt64Array, Number);
    // Both cut at 128 tokens. Transformers.js cuts after adding the special tokens, so it drops
    // the final [SEP]; we keep it, as Python `transformers` and sentence-transformers do. The
    // first 127 tokens are the same.
    expect(theirIds).toHaveLength(128);
    expect(theirIds.slice(0, 127)).toEqual(Array.from(ours.ids.subarray(0, 127)));

    // The same 128 ids through Transformers.js's own model, mean pooling and normalisation
    const n = ours.ids.length;
    const ids = new Tensor('int64', BigInt64Array.from(ours.ids, (v) => BigInt(v)), [1, n]);
    const mask = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    const types = new Tensor('int64', new BigInt64Array(n), [1, n]);
    const out = (await pipe.model.forward({ input_ids: ids, attention_mask: mask, token_type_ids: types })) as { last_hidden_state: Tensor };
    const reference = mean_pooling(out.last_hidden_state, mask).normalize(2, -1).tolist() as number[][];

    const [vector] = await enc.embed([ours]);
    expect(maxAbsDiff(vector!, reference[0]!)).toBeLessThanOrEqual(1e-4);
  });
});

describe.each(['tiny', 'minilm-l6'] as const)('batching invariance (%s)', (shape: Shape) => {
  const dir = testModelDir(shape);
  const encoders: Partial<Record<'fp32' | 'int8', Encoder>> = {};

  beforeAll(async () => {
    [encoders.fp32, encoders.int8] = await Promise.all([Encoder.load(dir, options('fp32')), Encoder.load(dir, options('int8'))]);
  });
  afterAll(async () => {
    await Promise.all([encoders.fp32?.close(), encoders.int8?.close()]);
  });

  // fp32: a text's embedding does not depend on its batch-mates (padding is masked out).
  it('fp32: an input alone and inside a padded batch differ by <= 1e-5', async () => {
    const enc = encoders.fp32!;
    const inputs = [banking[3]!, sentiment[10]!, 'ok'];
    const longer = sentiment.slice(40, 50).join(' ');
    const shorter = 'hi';
    const alone = await Promise.all(inputs.map(async (t) => (await enc.embed([enc.tokenize(t)]))[0]!));
    // every input padded to the longer text's length, next to a much shorter one
    const batch = await enc.embed([longer, ...inputs, shorter].map((t) => enc.tokenize(t)));
    expect(enc.tokenize(longer).ids.length).toBeGreaterThan(3 * Math.max(...inputs.map((t) => enc.tokenize(t).ids.length)));
    const diffs = inputs.map((_, i) => maxAbsDiff(alone[i]!, batch[i + 1]!));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-5);
  });

  // int8 cannot promise the fp32 bound: dynamic quantization (onnxruntime's quantize_dynamic
  // layout, the one published int8 models use) scales each activation tensor by the range of
  // the whole batch, padding included, so batch-mates move a vector by quantization noise (about
  // 1e-3 here), but no more, and the same batch always gives the same vectors.
  it('int8: batch-mates move an embedding by quantization noise at most, and runs are repeatable', async () => {
    const enc = encoders.int8!;
    const inputs = [banking[3]!, sentiment[10]!, 'ok'];
    const batch = [sentiment.slice(40, 50).join(' '), ...inputs, 'hi'].map((t) => enc.tokenize(t));
    const [first, second] = [await enc.embed(batch), await enc.embed(batch)];
    expect(second.map((v, i) => maxAbsDiff(v, first[i]!))).toEqual(second.map(() => 0));
    for (const [i, t] of inputs.entries()) {
      const [alone] = await enc.embed([enc.tokenize(t)]);
      expect(cosine(alone!, first[i + 1]!)).toBeGreaterThanOrEqual(0.9999);
      expect(maxAbsDiff(alone!, first[i + 1]!)).toBeLessThanOrEqual(5e-3);
    }
  });
});

describe('int8 vs fp32 (minilm-l6)', () => {
  const dir = testModelDir('minilm-l6');
  let fp32: Encoder;
  let int8: Encoder;

  beforeAll(async () => {
    [fp32, int8] = await Promise.all([Encoder.load(dir, options('fp32')), Encoder.load(dir, options('int8'))]);
  });
  afterAll(async () => {
    await Promise.all([fp32?.close(), int8?.close()]);
  });

  it('cosine >= 0.99 for each of 100 real sentences from Banking77 and the sentiment sets', async () => {
    const texts = [...everyNth(banking, 50), ...everyNth(sentiment, 50)];
    expect(new Set(texts).size).toBeGreaterThanOrEqual(95);
    expect(int8.info.dtype).toBe('int8');
    expect(fp32.info.dtype).toBe('fp32');
    const tokens = texts.map((t) => fp32.tokenize(t));
    const [a, b] = await Promise.all([fp32.embed(tokens), int8.embed(tokens)]);
    const cosines = a.map((v, i) => cosine(v, b[i]!));
    expect(cosines).toHaveLength(100);
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
    // and the two really are different weights, not the same file twice
    expect(Math.max(...a.map((v, i) => maxAbsDiff(v, b[i]!)))).toBeGreaterThan(0);
  });
});
