// The encoder generator: deterministic bytes, a tokenizer that yields words, and folders that
// Transformers.js (onnxruntime-node underneath) loads and runs, fp32 and int8.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, env, pipeline, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors/index.ts';
import {
  countParameters,
  defaultMiniLmTokenizerDir,
  ensureGeneratedModel,
  generateModel,
  getShape,
  isGeneratedModelDir,
  type GenerateModelResult,
} from '../../services/embed/model-generator/index.ts';
import { quantizeWeightSymmetric } from '../../services/embed/model-generator/quantize-dynamic.ts';

// Never reach for the hub: an absolute folder path is read straight from disk.
env.allowRemoteModels = false;

const ORDINARY = [
  'Where is my order refund?',
  'My card payment was declined at the shop yesterday.',
  'How do I change the delivery address of an order?',
  'I would like to speak to a human agent please',
  'The package arrived damaged and I want to return it.',
];

let root: string;
const tinyDir = () => path.join(root, 'tiny-a');

async function readAll(dir: string, files: string[]): Promise<Map<string, Buffer>> {
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f))] as const)));
}

function rows(t: Tensor): Float32Array[] {
  const [n, d] = t.dims as [number, number];
  const data = t.data as Float32Array;
  return Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

async function expectAppError(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(err) ? err.code : err).toBe(code);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'affinity-model-generator-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateModel (tiny)', () => {
  let first: GenerateModelResult;

  beforeAll(async () => {
    first = await generateModel({ shape: 'tiny', outDir: tinyDir(), seed: 42 });
  });

  it('writes the Transformers.js and sentence-transformers layout', async () => {
    expect(first.files).toEqual([
      '1_Pooling/config.json',
      'GENERATED.md',
      'config.json',
      'modules.json',
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
      'sentence_bert_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'vocab.txt',
    ]);
    expect(first.parameters).toBe(countParameters(getShape('tiny')));
    const config = JSON.parse(await readFile(path.join(tinyDir(), 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', architectures: ['BertModel'], hidden_size: 64, num_hidden_layers: 2 });
    const pooling = JSON.parse(await readFile(path.join(tinyDir(), '1_Pooling', 'config.json'), 'utf8'));
    expect(pooling).toMatchObject({ pooling_mode_mean_tokens: true, word_embedding_dimension: 64 });
    expect(await readFile(path.join(tinyDir(), 'GENERATED.md'), 'utf8')).toMatch(/random.*carry no meaning/s);
    expect(await isGeneratedModelDir(tinyDir())).toBe(true);
  });

  it('gives byte-identical files for the same seed and different weights for another', async () => {
    await generateModel({ shape: 'tiny', outDir: path.join(root, 'tiny-b'), seed: 42 });
    await generateModel({ shape: 'tiny', outDir: path.join(root, 'tiny-seed-7'), seed: 7 });
    const a = await readAll(tinyDir(), first.files);
    const b = await readAll(path.join(root, 'tiny-b'), first.files);
    for (const f of first.files) expect(b.get(f)!.equals(a.get(f)!), f).toBe(true);
    const c = await readAll(path.join(root, 'tiny-seed-7'), first.files);
    expect(c.get('onnx/model.onnx')!.equals(a.get('onnx/model.onnx')!)).toBe(false);
    expect(c.get('onnx/model_quantized.onnx')!.equals(a.get('onnx/model_quantized.onnx')!)).toBe(false);
  });

  it('tokenizes ordinary sentences into whole words', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(tinyDir());
    expect(tokenizer.tokenize('Where is my order refund?')).toEqual(['where', 'is', 'my', 'order', 'refund', '?']);
    const ids = tokenizer.encode('Where is my order refund?');
    expect(tokenizer.decode(ids)).toBe('[CLS] where is my order refund? [SEP]');
    const pieces = ORDINARY.flatMap((s) => tokenizer.tokenize(s));
    expect(pieces.filter((p) => p.startsWith('##')).length / pieces.length).toBeLessThan(0.1);
    expect(pieces).not.toContain('[UNK]');
  });

  it('runs in the feature-extraction pipeline, padded batches included', async () => {
    const extractor = await pipeline('feature-extraction', tinyDir(), { dtype: 'fp32' });
    try {
      const hidden = await extractor(ORDINARY);
      expect(hidden.dims[0]).toBe(ORDINARY.length);
      expect(hidden.dims[2]).toBe(64);
      expect((hidden.data as Float32Array).every(Number.isFinite)).toBe(true);

      const pooled = await extractor(ORDINARY, { pooling: 'mean', normalize: true });
      expect(pooled.dims).toEqual([ORDINARY.length, 64]);
      for (const row of rows(pooled)) expect(Math.sqrt(dot(row, row))).toBeCloseTo(1, 5);

      // The attention mask must hide padding: a text alone and inside a padded batch agree.
      const alone = rows(await extractor([ORDINARY[0]!], { pooling: 'mean', normalize: true }))[0]!;
      expect(dot(alone, rows(pooled)[0]!)).toBeGreaterThan(0.99999);
    } finally {
      await extractor.dispose();
    }
  });

  it('has an int8 model whose embeddings match fp32 (cosine >= 0.99)', async () => {
    const fp32 = await pipeline('feature-extraction', tinyDir(), { dtype: 'fp32' });
    const q8 = await pipeline('feature-extraction', tinyDir(), { dtype: 'q8' });
    try {
      const a = rows(await fp32(ORDINARY, { pooling: 'mean', normalize: true }));
      const b = rows(await q8(ORDINARY, { pooling: 'mean', normalize: true }));
      a.forEach((row, i) => expect(dot(row, b[i]!)).toBeGreaterThanOrEqual(0.99));
    } finally {
      await fp32.dispose();
      await q8.dispose();
    }
  });
});

describe('generateModel (minilm-l6)', () => {
  it('has all-MiniLM-L6-v2 shape, real tokenizer, and runs', async () => {
    const dir = path.join(root, 'minilm');
    const r = await generateModel({ shape: 'minilm-l6', outDir: dir, tokenizerDir: defaultMiniLmTokenizerDir(), seed: 42 });
    expect(r.parameters).toBe(22_565_376);
    expect(await readFile(path.join(dir, 'vocab.txt'))).toEqual(await readFile(path.join(defaultMiniLmTokenizerDir(), 'vocab.txt')));
    const extractor = await pipeline('feature-extraction', dir, { dtype: 'q8' });
    try {
      const hidden = await extractor(ORDINARY.slice(0, 3));
      expect(hidden.dims[0]).toBe(3);
      expect(hidden.dims[2]).toBe(384);
      expect((hidden.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await extractor.dispose();
    }
  });
});

describe('generator guards', () => {
  it('rejects an unknown shape with MODEL_SHAPE_UNKNOWN', async () => {
    await expectAppError(generateModel({ shape: 'bert-large', outDir: path.join(root, 'x') }), 'MODEL_SHAPE_UNKNOWN');
  });

  it('reports a missing tokenizer folder with MODEL_TOKENIZER_NOT_FOUND', async () => {
    const missing = path.join(root, 'no-tokenizer-here');
    await expectAppError(generateModel({ shape: 'minilm-l6', outDir: path.join(root, 'y'), tokenizerDir: missing }), 'MODEL_TOKENIZER_NOT_FOUND');
  });

  it('never replaces a folder it did not generate', async () => {
    const dir = path.join(root, 'someone-elses');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await expectAppError(generateModel({ shape: 'tiny', outDir: dir }), 'VALIDATION_FAILED');
    expect(await readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('ensureGeneratedModel reuses a matching folder and regenerates for another seed', async () => {
    const dir = path.join(root, 'ensured');
    expect((await ensureGeneratedModel({ shape: 'tiny', outDir: dir })).generated).toBe(true);
    expect((await ensureGeneratedModel({ shape: 'tiny', outDir: dir })).generated).toBe(false);
    expect((await ensureGeneratedModel({ shape: 'tiny', outDir: dir, seed: 3 })).generated).toBe(true);
  });

  it('quantizes weights symmetrically to [-127, 127] with zero point 0', () => {
    const { data, scale } = quantizeWeightSymmetric(Float32Array.of(0.5, -1, 0, 1 / 254));
    expect(scale).toBeCloseTo(1 / 127, 7);
    expect([...data]).toEqual([64, -127, 0, 0]); // 63.5 and 0.5 round half to even
  });
});
