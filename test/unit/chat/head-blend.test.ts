import { describe, expect, it } from 'vitest';
import { combine } from '../../../services/chat/classify/classifier-parts.ts';
import { INTENT_DEFAULTS, TextClassifier } from '../../../services/chat/classify/index.ts';
import { CsrBuilder, leadingColumns } from '../../../services/chat/classify/sparse-matrix.ts';
import { softmaxRows } from '../../../services/chat/classify/temperature-scaling.ts';
import { fakeEmbed, toyIntents } from './toy-intents.ts';

describe('leadingColumns', () => {
  it('keeps the entries of the first columns, row by row', () => {
    const b = new CsrBuilder(5);
    [[0, 1], [3, 2], [4, 3]].forEach(([c, v]) => b.push(c!, v!));
    b.endRow();
    b.endRow(); // an empty row stays empty
    [[1, 4], [2, 5]].forEach(([c, v]) => b.push(c!, v!));
    b.endRow();
    const m = leadingColumns(b.build(), 3);
    expect(m.cols).toBe(3);
    expect(Array.from(m.indptr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(m.indices)).toEqual([0, 1, 2]);
    expect(Array.from(m.data)).toEqual([1, 4, 5]);
    const all = b.build();
    expect(leadingColumns(all, 5)).toBe(all);
  });
});

describe('blending the heads', () => {
  const scores = Float32Array.from([2, 0, 0, 0, 1, 3]);
  const blend = Float32Array.from([0, 1, 0, 1, 0, 0]);

  it('averages the two softmaxes at the blend share', () => {
    const cal = { tHead: 1, knnWeight: 0, tFinal: 1, tBlend: 0.5, blendWeight: 0.25 };
    const p = combine({ scores, blend, vote: undefined }, 3, cal);
    const a = softmaxRows(scores, 3, 1);
    const b = softmaxRows(blend, 3, 0.5);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(0.75 * a[i]! + 0.25 * b[i]!, 12);
  });

  it('leaves the head alone without a blend share (models saved before the blend head)', () => {
    const p = combine({ scores, blend, vote: undefined }, 3, { tHead: 1, knnWeight: 0, tFinal: 1 });
    const a = softmaxRows(scores, 3, 1);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(a[i]!, 12);
  });

  it('is part of the intent preset, saved with the model and restored from it', async () => {
    const clf = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, embed: fakeEmbed });
    expect(clf.meta.calibration.blendWeight).toBe(0.5);
    expect(clf.meta.calibration.tBlend).toBeGreaterThan(0);
    const files = clf.toFiles();
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['blend_weights.bin', 'blend_bias.bin']));
    const copy = await TextClassifier.fromFiles(files, { embed: fakeEmbed });
    const probe = ['i lost my card', 'refund please'];
    expect(Array.from(await copy.probabilities(probe))).toEqual(Array.from(await clf.probabilities(probe)));
    const cut = files.filter((f) => f.path !== 'blend_weights.bin');
    await expect(TextClassifier.fromFiles(cut, { embed: fakeEmbed })).rejects.toMatchObject({ code: 'CLASSIFIER_MODEL_INVALID' });
    const plain = await TextClassifier.train(toyIntents(), { ...INTENT_DEFAULTS, blend: false, embed: fakeEmbed });
    expect(plain.toFiles().map((f) => f.path)).not.toContain('blend_weights.bin');
    expect(plain.meta.calibration.blendWeight).toBeUndefined();
    for (const c of [clf, copy, plain]) await c.dispose();
  });
});
