import type { EmbedFn, TextClassifierOptions } from '../classify/classifier-options.ts';
import { TextClassifier, type LabelledExample } from '../classify/text-classifier.ts';
import { accuracy, coverageAccuracy, macroF1 } from './classification-metrics.ts';
import { stratifiedKFold } from '../classify/stratified-split.ts';

/** Which features a run uses: n-grams only, the embedding only, or both. */
export type Variant = 'lexical' | 'dense' | 'combined';

export interface VariantResult {
  accuracy: number;
  macro_f1: number;
  /** Training time, embedding included (embeddings are computed once per evaluation and reused). */
  train_seconds: number;
  embed_seconds: number;
  /** At the classifier's unknown threshold: share of texts labelled, and accuracy on those. */
  threshold: number;
  coverage: number;
  accuracy_at_threshold: number | null;
  knn_weight: number;
  temperature: number;
  holdout_accuracy: number | null;
}

export interface EvalOptions {
  options: TextClassifierOptions;
  /** Without one, only the lexical variant runs. */
  embed?: EmbedFn;
  variants?: Variant[];
  /** Overrides the classifier's unknown threshold. */
  threshold?: number;
  progress?: (line: string) => void;
  /** Called with each trained model and the texts it did not see, before it is disposed. */
  onModel?: (variant: Variant, clf: TextClassifier, test: readonly LabelledExample[]) => Promise<void>;
}

/** The classifier options of a variant (the dense variant drops the n-grams and NB scaling). */
export function variantOptions(base: TextClassifierOptions, v: Variant): TextClassifierOptions {
  const f = base.features ?? {};
  if (v === 'lexical') return { ...base, features: { ...f, denseWeight: 0 } };
  if (v === 'dense') return { ...base, nbAlpha: false, features: { ...f, word: false, char: false, denseWeight: 1 } };
  return base;
}

/** Embeds each distinct text once across the variants and folds of one evaluation. */
export function memoizeEmbed(embed: EmbedFn): EmbedFn {
  const cache = new Map<string, Float32Array>();
  return async (texts) => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length > 0) {
      const vectors = await embed(missing);
      missing.forEach((t, i) => cache.set(t, vectors[i]!));
    }
    return texts.map((t) => cache.get(t)!);
  };
}

export function runnableVariants(opts: EvalOptions): Variant[] {
  const wanted = opts.variants ?? ['lexical', 'dense', 'combined'];
  return opts.embed ? wanted : wanted.filter((v) => v === 'lexical');
}

async function trainAndTest(train: readonly LabelledExample[], test: readonly LabelledExample[], v: Variant, opts: EvalOptions, embed: EmbedFn | undefined) {
  const clf = await TextClassifier.train(train, { ...variantOptions(opts.options, v), embed: v === 'lexical' ? undefined : embed });
  try {
    const threshold = opts.threshold ?? clf.unknownThreshold;
    const predictions = await clf.predict(test.map((e) => e.text), { threshold, topK: 1 });
    await opts.onModel?.(v, clf, test);
    return { clf, threshold, best: predictions.map((p) => p.top[0]!.label), withUnknown: predictions.map((p) => p.label) };
  } finally {
    await clf.dispose();
  }
}

/**
 * Trains on `train` and scores `test` for each variant: accuracy and macro-F1 of the likeliest
 * label, training time, and coverage/accuracy at the unknown threshold.
 * @example const r = await evaluateTrainTest(train, test, { options: INTENT_DEFAULTS, embed })
 */
export async function evaluateTrainTest(train: readonly LabelledExample[], test: readonly LabelledExample[], opts: EvalOptions) {
  const embed = opts.embed ? memoizeEmbed(opts.embed) : undefined;
  const gold = test.map((e) => e.label);
  const labels = [...new Set(train.map((e) => e.label))].sort();
  const variants: Partial<Record<Variant, VariantResult>> = {};
  for (const v of runnableVariants(opts)) {
    opts.progress?.(`${v}: training on ${train.length} texts`);
    const r = await trainAndTest(train, test, v, opts, embed);
    const sel = coverageAccuracy(gold, r.withUnknown);
    variants[v] = {
      accuracy: accuracy(gold, r.best),
      macro_f1: macroF1(gold, r.best, labels),
      train_seconds: r.clf.meta.train_seconds,
      embed_seconds: r.clf.meta.embed_seconds,
      threshold: r.threshold,
      coverage: sel.coverage,
      accuracy_at_threshold: sel.accuracy,
      knn_weight: r.clf.meta.calibration.knnWeight,
      temperature: r.clf.meta.calibration.tFinal,
      holdout_accuracy: r.clf.meta.holdout.accuracy ?? null,
    };
    opts.progress?.(`${v}: accuracy ${variants[v].accuracy.toFixed(4)}, macro-F1 ${variants[v].macro_f1.toFixed(4)}, trained in ${variants[v].train_seconds} s`);
  }
  return { n_train: train.length, n_test: test.length, labels: labels.length, variants };
}

/**
 * Seeded stratified k-fold cross-validation: per variant, accuracy over all texts (each
 * predicted by the model that did not see it), macro-F1 likewise, the folds' accuracies and
 * the mean training time.
 */
export async function crossValidate(examples: readonly LabelledExample[], k: number, seed: number, opts: EvalOptions) {
  const embed = opts.embed ? memoizeEmbed(opts.embed) : undefined;
  const folds = stratifiedKFold(examples.map((e) => e.label), k, seed);
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const gold = examples.map((e) => e.label);
  const variants: Partial<Record<Variant, VariantResult & { fold_accuracies: number[] }>> = {};
  for (const v of runnableVariants(opts)) {
    const best: string[] = new Array(examples.length);
    const withUnknown: string[] = new Array(examples.length);
    const foldAcc: number[] = [];
    let seconds = 0;
    let embedSeconds = 0;
    let knn = 0;
    let temperature = 0;
    let threshold = 0;
    for (const [f, { train, test }] of folds.entries()) {
      const r = await trainAndTest(train.map((i) => examples[i]!), test.map((i) => examples[i]!), v, opts, embed);
      test.forEach((i, j) => {
        best[i] = r.best[j]!;
        withUnknown[i] = r.withUnknown[j]!;
      });
      foldAcc.push(accuracy(test.map((i) => gold[i]!), r.best));
      seconds += r.clf.meta.train_seconds;
      embedSeconds += r.clf.meta.embed_seconds;
      knn += r.clf.meta.calibration.knnWeight / k;
      temperature += r.clf.meta.calibration.tFinal / k;
      threshold = r.threshold;
      opts.progress?.(`${v}: fold ${f + 1}/${k} accuracy ${foldAcc.at(-1)!.toFixed(4)}`);
    }
    const sel = coverageAccuracy(gold, withUnknown);
    variants[v] = {
      accuracy: accuracy(gold, best),
      macro_f1: macroF1(gold, best, labels),
      train_seconds: Math.round((seconds / k) * 100) / 100,
      embed_seconds: Math.round((embedSeconds / k) * 100) / 100,
      threshold,
      coverage: sel.coverage,
      accuracy_at_threshold: sel.accuracy,
      knn_weight: knn,
      temperature,
      holdout_accuracy: null,
      fold_accuracies: foldAcc,
    };
    opts.progress?.(`${v}: ${k}-fold accuracy ${variants[v].accuracy.toFixed(4)}`);
  }
  return { n: examples.length, folds: k, seed, labels: labels.length, variants };
}
