import type { FeatureOptions } from './feature-pipeline.ts';
import type { KnnOptions } from './example-index.ts';

/** Texts → one embedding each (the EmbedService in production). */
export type EmbedFn = (texts: string[]) => Promise<Float32Array[]>;

export type HeadOptions =
  | { kind: 'svm'; /** @defaultValue 1 */ c?: number }
  | { kind: 'logreg'; /** @defaultValue 30 */ c?: number; /** @defaultValue 15 */ epochs?: number };

/**
 * A softmax-regression head trained beside the main head on the same features, whose
 * temperature-scaled probabilities are averaged with the main head's (a cheap two-model
 * ensemble: the multinomial model's scores are comparable across classes, the one-vs-rest
 * SVM's are not, and their errors differ).
 */
export interface BlendHeadOptions {
  /** Inverse regularisation strength. @defaultValue 30 */
  c?: number;
  /** Passes over the data. @defaultValue 6 */
  epochs?: number;
  /** Its share of the averaged head probabilities. @defaultValue 0.5 */
  weight?: number;
  /** Train it on the n-gram columns only (about a third of the nonzeros: faster). @defaultValue true */
  lexicalOnly?: boolean;
}

export interface TextClassifierOptions {
  features?: FeatureOptions;
  /** The trained linear head. @defaultValue { kind: 'svm', c: 1 } */
  head?: HeadOptions;
  /** A softmax-regression head blended with the main one; `false` leaves it out. @defaultValue false */
  blend?: BlendHeadOptions | false;
  /**
   * Naive-Bayes log-count-ratio scaling of the n-gram features (NB-SVM), with this smoothing;
   * applied only when there are exactly two labels. `false` turns it off. @defaultValue false
   */
  nbAlpha?: number | false;
  /** kNN over the index of labelled examples, mixed with the head; `false` turns it off. @defaultValue {} */
  knn?: KnnOptions | false;
  /** Candidate weights of the kNN vote in the mix, chosen on the held-out split. @defaultValue [0, 0.1, …, 0.6] */
  knnWeights?: number[];
  /** Share of the training data held out to fit temperatures and the kNN weight. @defaultValue 0.15 */
  holdout?: number;
  /** After fitting on the rest, train again on all the data (holdout included). @defaultValue true */
  refit?: boolean;
  /** Below this calibrated confidence the label is `unknown`. @defaultValue 0 (never) */
  unknownThreshold?: number;
  /** Seed of the held-out split and of training. @defaultValue 42 */
  seed?: number;
}

export type ResolvedClassifierOptions = Required<Omit<TextClassifierOptions, 'knn' | 'features' | 'blend'>> & {
  features: FeatureOptions;
  knn: Required<KnnOptions> | false;
  blend: Required<BlendHeadOptions> | false;
};

export function resolveClassifierOptions(o: TextClassifierOptions = {}): ResolvedClassifierOptions {
  return {
    features: o.features ?? {},
    head: o.head ?? { kind: 'svm', c: 1 },
    blend: o.blend ? { c: 30, epochs: 6, weight: 0.5, lexicalOnly: true, ...o.blend } : false,
    nbAlpha: o.nbAlpha ?? false,
    knn: o.knn === false ? false : { k: 10, tau: 0.1, sketchDim: 1024, denseWeight: 1, ...o.knn },
    knnWeights: o.knnWeights ?? [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    holdout: o.holdout ?? 0.15,
    refit: o.refit ?? true,
    unknownThreshold: o.unknownThreshold ?? 0,
    seed: o.seed ?? 42,
  };
}

/**
 * Defaults for intents: many labels, short texts; word and character n-grams, embeddings, an
 * SVM blended with softmax regression, kNN mix.
 */
export const INTENT_DEFAULTS: TextClassifierOptions = {
  features: { word: { minN: 1, maxN: 2 }, char: { minN: 2, maxN: 5 }, denseWeight: 0.5 },
  head: { kind: 'svm', c: 1 },
  blend: { c: 30, epochs: 6, weight: 0.5, lexicalOnly: true },
  unknownThreshold: 0.3,
};

/** Defaults for sentiment: two labels; NB-scaled n-grams with negation marking (Wang & Manning 2012). */
export const SENTIMENT_DEFAULTS: TextClassifierOptions = {
  features: { word: { minN: 1, maxN: 2 }, char: { minN: 2, maxN: 5 }, negation: true, denseWeight: 0.5 },
  head: { kind: 'svm', c: 0.3 },
  nbAlpha: 0.5,
  unknownThreshold: 0.6,
};
