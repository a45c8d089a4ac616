// Public surface of the text classifiers (intents, sentiment).
export { TextClassifier, type LabelledExample, type LabelScore, type Prediction, type TrainOptions } from './text-classifier.ts';
export { INTENT_DEFAULTS, SENTIMENT_DEFAULTS, type EmbedFn, type HeadOptions, type TextClassifierOptions } from './classifier-options.ts';
export type { FeatureOptions, NgramBlockOptions } from './feature-pipeline.ts';
export type { KnnOptions } from './example-index.ts';
export type { ClassifierMeta } from './classifier-files.ts';
export { sameTextKey } from './stratified-split.ts';
