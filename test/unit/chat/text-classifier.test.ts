import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INTENT_DEFAULTS, SENTIMENT_DEFAULTS, TextClassifier } from '../../../services/chat/classify/index.ts';
import { fakeEmbed, toyIntents } from './toy-intents.ts';

const probe = ['i think my card was stolen', 'refund please', 'what is the balance on my account', 'hello good morning'];

describe('TextClassifier (lexical and a stand-in embedder)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('learns the toy intents, with calibrated confidences and top-k', async () => {
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, holdout: 0.25 });
    const p = await clf.predict(probe, { topK: 3, threshold: 0 });
    expect(p.map((x) => x.label)).toEqual(['card_lost', 'refund', 'balance', 'greeting']);
    for (const x of p) {
      expect(x.top).toHaveLength(3);
      expect(x.top[0]!.label).toBe(x.label);
      expect(x.confidence).toBe(x.top[0]!.confidence);
      expect(x.top[0]!.confidence).toBeGreaterThanOrEqual(x.top[1]!.confidence);
    }
    const probs = await clf.probabilities(probe);
    for (let r = 0; r < probe.length; r++) {
      const row = Array.from(probs.subarray(r * 4, r * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect(clf.meta.train_seconds).toBeGreaterThanOrEqual(0);
    expect(clf.meta.holdout.n).toBeGreaterThan(0);
    await clf.dispose();
  });

  it('answers `unknown` below the threshold, and the preset threshold applies by default', async () => {
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, unknownThreshold: 0.999999 });
    const [sure, inScope] = await clf.predict(['zebra quantum lasagne', 'refund my order please'], { threshold: 0 });
    expect(sure!.label).not.toBe('unknown');
    expect(sure!.confidence).toBeLessThan(inScope!.confidence); // out of scope looks less sure
    const [unsure] = await clf.predict(['zebra quantum lasagne']);
    expect(unsure!.label).toBe('unknown');
    expect(unsure!.top[0]!.label).toBe(sure!.label); // the alternatives are still there
    const [cut] = await clf.predict(['zebra quantum lasagne'], { threshold: sure!.confidence + 1e-9 });
    expect(cut!.label).toBe('unknown');
    const [kept] = await clf.predict(['zebra quantum lasagne'], { threshold: sure!.confidence });
    expect(kept!.label).toBe(sure!.label);
    await clf.dispose();
  });

  it('round-trips through files and a folder with identical predictions', async () => {
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed });
    expect(clf.usesEmbeddings).toBe(true);
    const before = await clf.probabilities(probe);
    const copy = await TextClassifier.fromFiles(clf.toFiles(), { embed: fakeEmbed });
    expect(Array.from(await copy.probabilities(probe))).toEqual(Array.from(before));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'affinity-clf-'));
    dirs.push(dir);
    await clf.save(path.join(dir, 'model'));
    await clf.save(path.join(dir, 'model')); // replacing an earlier model folder is allowed
    const loaded = await TextClassifier.load(path.join(dir, 'model'), { embed: fakeEmbed });
    expect(await loaded.predict(probe)).toEqual(await clf.predict(probe));
    expect(loaded.meta.calibration).toEqual(clf.meta.calibration);
    for (const c of [clf, copy, loaded]) await c.dispose();
  });

  it('classifies a long list in parts (letting other work in between) with the same answers as one by one', async () => {
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed, knnWeights: [0.5] });
    const texts = Array.from({ length: 75 }, (_, i) => toyIntents()[i % toyIntents().length]!.text + (i % 3 === 0 ? ' please' : ''));
    const together = await clf.predict(texts);
    const alone = await Promise.all(texts.map(async (t) => (await clf.predict([t]))[0]));
    expect(together).toEqual(alone);
  });

  it('searches the examples only when the calibration gives their vote weight', async () => {
    const unweighted = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed, knnWeights: [0] });
    const weighted = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed, knnWeights: [0.5] });
    expect(unweighted.meta.calibration.knnWeight).toBe(0);
    expect(weighted.meta.calibration.knnWeight).toBe(0.5);
    expect(unweighted.votesWithExamples).toBe(false);
    expect(weighted.votesWithExamples).toBe(true);
    // the example vectors stay in the model's files, but a loaded copy builds no index for a weightless vote
    const copies = await Promise.all([unweighted, weighted].map((c) => TextClassifier.fromFiles(c.toFiles(), { embed: fakeEmbed })));
    expect(copies.map((c) => c.votesWithExamples)).toEqual([false, true]);
    expect(Array.from(await copies[0]!.probabilities(probe))).toEqual(Array.from(await unweighted.probabilities(probe)));
    expect(Array.from(await copies[1]!.probabilities(probe))).toEqual(Array.from(await weighted.probabilities(probe)));
    for (const c of [unweighted, weighted, ...copies]) await c.dispose();
  });

  it('uses NB scaling and negation for two labels (sentiment preset)', async () => {
    const good = ['great food', 'really good service', 'i love it', 'excellent and friendly', 'good value', 'wonderful place'];
    const bad = ['not good at all', 'terrible food', 'i hate it', 'awful and rude', 'never again', 'bad value'];
    const ex = [...good, ...good.map((t) => `${t}.`)].map((text) => ({ text, label: '1' }));
    ex.push(...[...bad, ...bad.map((t) => `${t}.`)].map((text) => ({ text, label: '0' })));
    const clf = await TextClassifier.train(ex, SENTIMENT_DEFAULTS);
    const files = clf.toFiles().map((f) => f.path);
    expect(files).toContain('nb_scale.bin');
    const p = await clf.predict(['the food was great', 'it was awful'], { threshold: 0 });
    expect(p.map((x) => x.label)).toEqual(['1', '0']);
    await clf.dispose();
  });

  it('rejects data it cannot learn from, and models it cannot read', async () => {
    await expect(TextClassifier.train([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }])).rejects.toMatchObject({ code: 'CLASSIFIER_TRAINING_DATA_INVALID' });
    await expect(TextClassifier.train([{ text: 'a', label: 'x' }, { text: 'b', label: '' }])).rejects.toMatchObject({ code: 'CLASSIFIER_TRAINING_DATA_INVALID' });
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed });
    const files = clf.toFiles();
    await expect(TextClassifier.fromFiles(files)).rejects.toMatchObject({ code: 'CLASSIFIER_EMBEDDER_REQUIRED' });
    const cut = files.map((f) => (f.path === 'head_weights.bin' ? { ...f, data: f.data.subarray(0, 8) } : f));
    await expect(TextClassifier.fromFiles(cut, { embed: fakeEmbed })).rejects.toMatchObject({ code: 'CLASSIFIER_MODEL_INVALID' });
    await expect(TextClassifier.fromFiles(files.filter((f) => f.path !== 'manifest.json'))).rejects.toMatchObject({ code: 'CLASSIFIER_MODEL_INVALID' });
    await clf.dispose();
  });

  it('trains the same model twice from the same seed', async () => {
    const a = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed, seed: 3 });
    const b = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed, seed: 3 });
    expect(Array.from(await a.probabilities(probe))).toEqual(Array.from(await b.probabilities(probe)));
    await a.dispose();
    await b.dispose();
  });
});
