import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerNlpEvalCommands } from '../../../bin/commands/eval-nlp.command.ts';
import { registerNlpTrainCommands } from '../../../bin/commands/train-nlp.command.ts';
import { INTENT_DEFAULTS, TextClassifier, type EmbedFn, type LabelledExample } from '../../../services/chat/classify/index.ts';
import { accuracy, evaluateTrainTest, stratifiedSplit } from '../../../services/chat/eval/index.ts';
import { EmbedService, Encoder } from '../../../services/embed/index.ts';
import { readBanking77 } from '../../../shared/datasets/labelled-text.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { sharedDir, testModelDir } from '../../support/paths.ts';

// The classifier as production runs it: embeddings from the real engine (the generated tiny
// encoder through EmbedService), a Banking77 slice, the model folder written and read back.
describe('intent classifier with the tiny encoder', () => {
  const log = pino({ level: 'silent' });
  let service: EmbedService;
  let embed: EmbedFn;
  let tmp: string;
  let data: LabelledExample[];

  beforeAll(async () => {
    service = new EmbedService({
      maxBatchSize: 64,
      maxBatchTokens: 8192,
      runOverheadTokens: 64,
      maxWaitMs: 2,
      maxQueue: 100_000,
      maxConcurrency: 1,
      cacheSize: 1000,
      metrics: new MetricsRegistry({ defaultMetrics: false }),
      log,
    });
    service.setEncoder(
      await Encoder.load(testModelDir('tiny'), { id: 'tiny', dtype: 'fp32', device: 'cpu', workers: 1, intraOpThreads: 1, interOpThreads: 1, normalize: true, log }),
    );
    embed = async (texts) => (await service.embed(texts)).vectors;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'affinity-chat-classify-'));
    const all = readBanking77(path.join(sharedDir(), 'data', 'banking77', 'train.csv'));
    const keep = new Set([...new Set(all.map((e) => e.label))].sort().slice(0, 8));
    data = all.filter((e) => keep.has(e.label)).slice(0, 600);
  });
  afterAll(async () => {
    await service.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('trains with embeddings, beats chance by far, and predicts the same after save and load', async () => {
    const { train, test } = stratifiedSplit(data.map((e) => e.label), 0.25, 1);
    const clf = await TextClassifier.train(train.map((i) => data[i]!), { ...INTENT_DEFAULTS, embed });
    expect(clf.usesEmbeddings).toBe(true);
    const texts = test.map((i) => data[i]!.text);
    const before = await clf.predict(texts, { topK: 3 });
    expect(accuracy(test.map((i) => data[i]!.label), before.map((p) => p.top[0]!.label))).toBeGreaterThan(0.7);
    await clf.save(path.join(tmp, 'intents'));
    const loaded = await TextClassifier.load(path.join(tmp, 'intents'), { embed });
    expect(await loaded.predict(texts, { topK: 3 })).toEqual(before);
    await clf.dispose();
    await loaded.dispose();
  });

  it('evaluates lexical, dense and combined variants', async () => {
    const { train, test } = stratifiedSplit(data.map((e) => e.label), 0.25, 2);
    const r = await evaluateTrainTest(train.map((i) => data[i]!), test.map((i) => data[i]!), { options: INTENT_DEFAULTS, embed });
    expect(Object.keys(r.variants).sort()).toEqual(['combined', 'dense', 'lexical']);
    for (const v of Object.values(r.variants)) {
      expect(v.accuracy).toBeGreaterThan(0.3);
      expect(v.coverage).toBeGreaterThan(0);
      expect(v.coverage).toBeLessThanOrEqual(1);
    }
    expect(r.variants.lexical!.accuracy).toBeGreaterThan(0.7);
  });
});

describe('eval and train commands (in process, lexical only)', () => {
  let tmp: string;
  let csv: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'affinity-nlp-cli-'));
    csv = path.join(tmp, 'tickets.csv');
    const rows = ['utterance,intent'];
    const words: Record<string, string[]> = { refund: ['refund', 'money back', 'return'], delivery: ['parcel', 'shipping', 'delivery'], password: ['password', 'login', 'reset'] };
    for (const [label, ws] of Object.entries(words)) for (let i = 0; i < 30; i++) rows.push(`"please help, ${ws[i % 3]} issue number ${i}",${label}`);
    await writeFile(csv, `${rows.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function run(register: (c: Command) => void, parent: string, args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command('affinity').exitOverride();
      register(program.command(parent));
      await program.parseAsync(['node', 'affinity', parent, ...args]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    return lines.join('').trim().split('\n');
  }

  it('eval intents --data --split --json prints one JSON object last', async () => {
    const lines = await run(registerNlpEvalCommands, 'eval', ['intents', '--data', csv, '--text-column', 'utterance', '--label-column', 'intent', '--split', '0.2', '--no-dense', '--json']);
    const r = JSON.parse(lines.at(-1)!);
    expect(r).toMatchObject({ task: 'intents', n_train: 72, n_test: 18, labels: 3, main_variant: 'lexical', encoder: null });
    expect(r.accuracy).toBeGreaterThan(0.9);
    for (const k of ['macro_f1', 'train_seconds', 'coverage', 'accuracy_at_threshold']) expect(typeof r[k]).toBe('number');
    expect(Object.keys(r.variants)).toEqual(['lexical']);
  });

  it('eval intents --variants dense: the headline figures are the dense variant\'s; asked without an encoder, refused before any work', async () => {
    const saved = process.env.EMBED_MODEL;
    process.env.EMBED_MODEL = testModelDir('tiny');
    try {
      const lines = await run(registerNlpEvalCommands, 'eval', ['intents', '--data', csv, '--text-column', 'utterance', '--label-column', 'intent', '--split', '0.2', '--variants', 'dense', '--json']);
      const r = JSON.parse(lines.at(-1)!);
      expect(Object.keys(r.variants)).toEqual(['dense']);
      expect(r).toMatchObject({ main_variant: 'dense', accuracy: r.variants.dense.accuracy });
    } finally {
      if (saved === undefined) delete process.env.EMBED_MODEL;
      else process.env.EMBED_MODEL = saved;
    }
    for (const variants of ['dense', 'combined']) {
      await expect(run(registerNlpEvalCommands, 'eval', ['intents', '--data', csv, '--text-column', 'utterance', '--label-column', 'intent', '--variants', variants, '--no-dense', '--json'])).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('need the encoder'),
      });
    }
  });

  it('eval sentiment --folds cross-validates a CSV', async () => {
    const lines = await run(registerNlpEvalCommands, 'eval', ['sentiment', '--data', csv, '--folds', '3', '--no-dense', '--json']);
    const r = JSON.parse(lines.at(-1)!);
    expect(r).toMatchObject({ task: 'sentiment', protocol: '3-fold cross-validation', n: 90, folds: 3 });
    expect(r.variants.lexical.fold_accuracies).toHaveLength(3);
  });

  it('eval sentiment measures the dialog\'s negative threshold calibrated on support messages (--reference)', async () => {
    const polar = path.join(tmp, 'polar.csv');
    const rows = ['text,label'];
    const bad = ['awful', 'terrible', 'broken', 'useless', 'horrible'];
    const good = ['great', 'lovely', 'excellent', 'perfect', 'wonderful'];
    for (let i = 0; i < 30; i++) rows.push(`"this thing is ${bad[i % 5]}, number ${i}",0`, `"this thing is ${good[i % 5]}, number ${i}",1`);
    await writeFile(polar, `${rows.join('\n')}\n`);
    const lines = await run(registerNlpEvalCommands, 'eval', ['sentiment', '--data', polar, '--folds', '3', '--no-dense', '--reference', csv, '--json']);
    const c = JSON.parse(lines.at(-1)!).negative_calibration;
    expect(c).toMatchObject({ reference_texts: 90, rate: 0.05, floor: 0.6 });
    expect(c.thresholds).toHaveLength(3);
    // the support tickets share no word with either side: at most the allowed share counts as negative
    expect(c.support_as_negative.calibrated).toBeLessThanOrEqual(c.support_as_negative.at_floor);
    expect(c.support_as_negative.calibrated).toBeLessThanOrEqual(0.1);
    expect(c.negative_recall.at_floor).toBeGreaterThan(0.9);
    expect(c.positives_as_negative.at_floor).toBeLessThan(0.1);
    // and without a reference, no such check
    const none = await run(registerNlpEvalCommands, 'eval', ['sentiment', '--data', polar, '--folds', '3', '--no-dense', '--no-reference', '--json']);
    expect(JSON.parse(none.at(-1)!).negative_calibration).toBeUndefined();
  });

  it('train intents writes a model folder that loads', async () => {
    const out = path.join(tmp, 'model');
    const lines = await run(registerNlpTrainCommands, 'train', ['intents', '--data', csv, '--out', out, '--no-dense', '--json']);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ task: 'intents', n_train: 90, labels: 3 });
    const clf = await TextClassifier.load(out);
    const [p] = await clf.predict(['I want my money back, refund please'], { threshold: 0 });
    expect(p!.label).toBe('refund');
    await clf.dispose();
    // again over the model it wrote: replaced
    expect(JSON.parse((await run(registerNlpTrainCommands, 'train', ['intents', '--data', csv, '--out', out, '--no-dense', '--json'])).at(-1)!)).toMatchObject({ n_train: 90 });
  });

  it('train intents refuses an --out folder holding something else, before training', async () => {
    const other = path.join(tmp, 'not-a-model');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'keep me');
    await expect(run(registerNlpTrainCommands, 'train', ['intents', '--data', csv, '--out', other, '--no-dense', '--json'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('not a saved model') });
  });
});
