import { readdir } from 'node:fs/promises';
import { appError } from '../../../shared/errors/index.ts';
import { writeFolderAtomically, type FolderFile } from '../../../shared/fs/write-folder-atomically.ts';
import { groupedStratifiedSplit, sameTextKey, type Split } from './stratified-split.ts';
import { resolveClassifierOptions, type EmbedFn, type TextClassifierOptions } from './classifier-options.ts';
import { combine, dequantizeVectors, fitParts, mixedLogits, scoreParts, type ClassifierParts, type PartScores } from './classifier-parts.ts';
import { ExampleIndex } from './example-index.ts';
import { partsToFiles, partsFromFiles, type Calibration, type ClassifierMeta } from './classifier-files.ts';
import { fitTemperature, meanNll } from './temperature-scaling.ts';
import { fromModelFiles, readModelFolder } from './model-files.ts';

export interface LabelledExample {
  text: string;
  label: string;
  /**
   * Always trained on, never held out (with every example of the same text): a correction from
   * feedback. Held out, it would score the model on a label it was never shown, or, with its
   * copies trained on, count a memorised text as unseen; the held-out accuracy instead
   * measures what the corrections do to everything else.
   */
  alwaysTrain?: boolean;
}

export interface LabelScore {
  label: string;
  confidence: number;
}

export interface Prediction {
  /** The likeliest label, or `unknown` when its calibrated confidence is below the threshold. */
  label: string;
  confidence: number;
  /** The likeliest labels, best first (never `unknown`). */
  top: LabelScore[];
}

export interface TrainOptions extends TextClassifierOptions {
  /** Needed when the features use embeddings (`denseWeight` > 0); without one the dense part is left out. */
  embed?: EmbedFn;
  onProgress?: (stage: string) => void;
}

const UNKNOWN = 'unknown';

/** Texts classified between two yields to the event loop (256 long ones held it for seconds). */
const PREDICT_PART = 32;

/**
 * A text classifier (intents, sentiment): TF-IDF word and character n-grams plus the encoder's
 * embedding, a linear head, kNN over an index of the labelled examples mixed in, and
 * temperature-scaled confidences fitted on a held-out part of the training data.
 * @example
 * const clf = await TextClassifier.train(examples, { ...INTENT_DEFAULTS, embed });
 * const [p] = await clf.predict(['where is my card?']); // { label: 'card_arrival', confidence: 0.93, top: [...] }
 */
export class TextClassifier {
  private constructor(
    readonly meta: ClassifierMeta,
    private readonly parts: ClassifierParts,
    private readonly embedFn: EmbedFn | undefined,
  ) {}

  get labels(): readonly string[] {
    return this.meta.labels;
  }

  get unknownThreshold(): number {
    return this.meta.unknown_threshold;
  }

  /** Whether predicting searches the example index (the kNN vote has weight in the calibration). */
  get votesWithExamples(): boolean {
    return this.parts.index !== undefined;
  }

  /** Whether predicting needs embeddings. */
  get usesEmbeddings(): boolean {
    return this.parts.pipeline.usesDense;
  }

  static async train(examples: readonly LabelledExample[], options: TrainOptions = {}): Promise<TextClassifier> {
    const started = performance.now();
    checkExamples(examples);
    const o = resolveClassifierOptions(options);
    const say = options.onProgress ?? (() => {});
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const K = labels.length;
    const texts = examples.map((e) => e.text);
    const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);
    const dense = (o.features.denseWeight ?? 1) > 0 && options.embed !== undefined;
    if (!dense) o.features = { ...o.features, denseWeight: 0 };
    say(dense ? `embedding ${texts.length} texts` : 'no embeddings (lexical features only)');
    const embeddings = dense ? await options.embed!(texts) : undefined;
    const embedSeconds = (performance.now() - started) / 1000;

    // fit on all but a held-out split, calibrate on it
    const { train, test } = holdoutSplit(examples, o.holdout, o.seed);
    const pick = <T>(a: readonly T[] | undefined, idx: number[]) => (a ? idx.map((i) => a[i]!) : undefined);
    say(`training on ${train.length}, calibrating on ${test.length}`);
    const first = await fitParts(pick(texts, train)!, pick(embeddings, train), Int32Array.from(train, (i) => y[i]!), K, o);
    const yHold = Int32Array.from(test, (i) => y[i]!);
    const held = await scoreParts(first, pick(texts, test)!, pick(embeddings, test), o.knn);
    const cal = calibrate(held, yHold, K, o.knnWeights, o.blend ? o.blend.weight : 0);
    const holdout = holdoutReport(held, yHold, K, cal, o.unknownThreshold);

    // a vote given no weight is never searched: the example vectors are kept (they are part of
    // the model's files), but no index is built for it
    const searched = cal.knnWeight > 0;
    let parts = first;
    if (o.refit) {
      await first.index?.dispose();
      say(`training again on all ${texts.length}`);
      parts = await fitParts(texts, embeddings, y, K, o, searched);
    } else if (!searched) {
      await first.index?.dispose();
      parts = { ...first, index: undefined };
    }
    const meta: ClassifierMeta = {
      format: 'affinity-text-classifier',
      version: 1,
      labels,
      options: o,
      calibration: cal,
      unknown_threshold: o.unknownThreshold,
      n_train: texts.length,
      holdout,
      train_seconds: Math.round((performance.now() - started) / 10) / 100,
      embed_seconds: Math.round(embedSeconds * 100) / 100,
      created: new Date().toISOString(),
    };
    return new TextClassifier(meta, parts, options.embed);
  }

  /** Calibrated class probabilities of each text (row-major over `labels`). */
  async probabilities(texts: readonly string[]): Promise<Float64Array> {
    if (texts.length <= PREDICT_PART) return this.probabilitiesOfPart(texts);
    // features and scores are computed on the event loop: parts, with other requests let in between
    const K = this.labels.length;
    const out = new Float64Array(texts.length * K);
    for (let i = 0; i < texts.length; i += PREDICT_PART) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      out.set(await this.probabilitiesOfPart(texts.slice(i, i + PREDICT_PART)), i * K);
    }
    return out;
  }

  private async probabilitiesOfPart(texts: readonly string[]): Promise<Float64Array> {
    if (texts.length === 0) return new Float64Array(0);
    let embeddings: Float32Array[] | undefined;
    if (this.parts.pipeline.usesDense) {
      if (!this.embedFn) throw appError('CLASSIFIER_EMBEDDER_REQUIRED');
      embeddings = await this.embedFn([...texts]);
    }
    // a vote with no weight in the calibration changes nothing: not searched for
    const knn = this.meta.calibration.knnWeight > 0 ? this.meta.options.knn : false;
    const scored = await scoreParts(this.parts, texts, embeddings, knn);
    return combine(scored, this.labels.length, this.meta.calibration);
  }

  /**
   * Label, calibrated confidence and the `topK` likeliest labels of each text.
   * @example const [p] = await clf.predict(['I want my money back'], { threshold: 0.5 })
   */
  async predict(texts: readonly string[], opts: { topK?: number; threshold?: number } = {}): Promise<Prediction[]> {
    const K = this.labels.length;
    const topK = Math.max(1, Math.min(opts.topK ?? 5, K));
    const threshold = opts.threshold ?? this.meta.unknown_threshold;
    const p = await this.probabilities(texts);
    return texts.map((_, r) => {
      const order = Array.from({ length: K }, (_, c) => c).sort((a, b) => p[r * K + b]! - p[r * K + a]! || a - b);
      const top = order.slice(0, topK).map((c) => ({ label: this.labels[c]!, confidence: p[r * K + c]! }));
      const best = top[0]!;
      return { label: best.confidence >= threshold ? best.label : UNKNOWN, confidence: best.confidence, top };
    });
  }

  /** The model as a flat folder's files: manifest.json and binary arrays. */
  toFiles(): FolderFile[] {
    return partsToFiles(this.meta, this.parts);
  }

  static async fromFiles(files: readonly FolderFile[], opts: { embed?: EmbedFn } = {}): Promise<TextClassifier> {
    const { meta, arrays } = fromModelFiles(files);
    const m = meta as unknown as ClassifierMeta;
    if (m.format !== 'affinity-text-classifier' || m.version !== 1) {
      throw appError('CLASSIFIER_MODEL_INVALID', `not a text classifier of a known version (format ${String(m.format)}, version ${String(m.version)})`);
    }
    const parts = partsFromFiles(m, arrays);
    if (parts.pipeline.usesDense && !opts.embed) throw appError('CLASSIFIER_EMBEDDER_REQUIRED');
    if (m.options.knn && parts.knnVectors && m.calibration.knnWeight > 0) {
      parts.index = await ExampleIndex.build(dequantizeVectors(parts.knnVectors), parts.knnLabels, m.labels.length, m.options.knn);
    }
    return new TextClassifier(m, parts, opts.embed);
  }

  /** Writes the model folder atomically (replacing an earlier model folder there). */
  async save(dir: string): Promise<void> {
    await writeFolderAtomically(dir, this.toFiles(), { mayReplace: holdsModel });
  }

  /**
   * Whether `save(dir)` may write there: nothing there yet, an empty folder, or a model folder
   * it replaces. Asked before training, so that a wrong `--out` fails at once, not after it.
   */
  static async mayWriteTo(dir: string): Promise<boolean> {
    const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : undefined));
    return entries !== undefined && (entries.length === 0 || (await holdsModel(dir)));
  }

  static async load(dir: string, opts: { embed?: EmbedFn } = {}): Promise<TextClassifier> {
    return TextClassifier.fromFiles(await readModelFolder(dir), opts);
  }

  async dispose(): Promise<void> {
    await this.parts.index?.dispose();
  }
}

/** Whether a folder holds a saved classifier (its manifest): one `save` may replace. */
async function holdsModel(dir: string): Promise<boolean> {
  const files = await readModelFolder(dir).catch(() => []);
  return files.some((f) => f.path === 'manifest.json');
}

/**
 * The held-out split: stratified by label, copies of one text on one side, and the texts of
 * examples marked `alwaysTrain` on the training side. Without such examples or copies, the
 * split is stratifiedSplit's.
 */
export function holdoutSplit(examples: readonly LabelledExample[], fraction: number, seed: number): Split {
  const keys = examples.map((e) => sameTextKey(e.text));
  const pinned = new Set(keys.filter((_, i) => examples[i]!.alwaysTrain));
  const open = keys.flatMap((key, i) => (pinned.has(key) ? [] : [i]));
  const split = groupedStratifiedSplit(open.map((i) => examples[i]!.label), open.map((i) => keys[i]!), fraction, seed);
  const test = split.test.map((j) => open[j]!);
  const held = new Set(test);
  return { train: examples.flatMap((_, i) => (held.has(i) ? [] : [i])), test };
}

function checkExamples(examples: readonly LabelledExample[]): void {
  const bad = examples.findIndex((e) => typeof e.text !== 'string' || typeof e.label !== 'string' || e.label.trim() === '' || e.label === UNKNOWN);
  if (bad >= 0) throw appError('CLASSIFIER_TRAINING_DATA_INVALID', `example ${bad} has no text or no label (or the reserved label "${UNKNOWN}")`, { index: bad });
  const labels = new Set(examples.map((e) => e.label));
  if (labels.size < 2) throw appError('CLASSIFIER_TRAINING_DATA_INVALID', `need examples of at least two labels, got ${labels.size}`, { labels: labels.size });
}

function accuracyOf(p: ArrayLike<number>, y: Int32Array, K: number): number {
  let ok = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (p[r * K + c]! > p[r * K + best]!) best = c;
    if (best === y[r]) ok++;
  }
  return y.length ? ok / y.length : 0;
}

/**
 * Temperatures of the head and of the blend head (blended at the fixed `blendWeight`), kNN
 * weight (best held-out accuracy, then NLL), final temperature.
 */
function calibrate(held: PartScores, y: Int32Array, K: number, weights: number[], blendWeight: number): Calibration {
  const { scores, blend, vote } = held;
  // Laplace-style: never fit as if held-out accuracy could be exactly 100%
  const eps = 1 / (y.length + 2);
  const tHead = fitTemperature(scores, y, K, eps);
  const heads = blend && blendWeight > 0 ? { tHead, tBlend: fitTemperature(blend, y, K, eps), blendWeight } : { tHead };
  let best = { knnWeight: 0, acc: -1, nll: Infinity };
  for (const w of vote ? weights : [0]) {
    const logits = mixedLogits(held, K, { ...heads, knnWeight: w });
    const acc = accuracyOf(logits, y, K);
    const nll = meanNll(logits, y, K);
    if (acc > best.acc + 1e-12 || (Math.abs(acc - best.acc) <= 1e-12 && nll < best.nll)) best = { knnWeight: w, acc, nll };
  }
  const tFinal = fitTemperature(mixedLogits(held, K, { ...heads, knnWeight: best.knnWeight }), y, K, eps);
  return { ...heads, knnWeight: best.knnWeight, tFinal };
}

function holdoutReport(held: PartScores, y: Int32Array, K: number, cal: Calibration, threshold: number) {
  const { scores, blend, vote } = held;
  const p = combine(held, K, cal);
  let covered = 0;
  let right = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (p[r * K + c]! > p[r * K + best]!) best = c;
    if (p[r * K + best]! >= threshold) {
      covered++;
      if (best === y[r]) right++;
    }
  }
  const logP = p.map((v) => Math.log(Math.max(v, 1e-300)));
  return {
    n: y.length,
    head_accuracy: accuracyOf(scores, y, K),
    blend_accuracy: blend ? accuracyOf(blend, y, K) : null,
    knn_accuracy: vote ? accuracyOf(vote, y, K) : null,
    accuracy: accuracyOf(p, y, K),
    nll_uncalibrated: meanNll(scores, y, K),
    nll: meanNll(logP, y, K),
    coverage_at_threshold: y.length ? covered / y.length : 0,
    accuracy_at_threshold: covered ? right / covered : null,
  };
}
