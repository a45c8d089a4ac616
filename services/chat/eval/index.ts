// Public surface of the classifiers' offline evaluation.
export { accuracy, coverageAccuracy, macroF1, perClassScores, type ClassScores } from './classification-metrics.ts';
export { groupedStratifiedSplit, stratifiedKFold, stratifiedSplit, type Split } from '../classify/stratified-split.ts';
export { crossValidate, evaluateTrainTest, memoizeEmbed, runnableVariants, variantOptions, type EvalOptions, type Variant, type VariantResult } from './evaluate-classifier.ts';
export { readLabelledCsv } from './labelled-csv.ts';
export { defaultDataPaths, readLabelledData } from './nlp-datasets.ts';
export { openConfiguredEmbedder } from './configured-embedder.ts';
export { NegativeCalibrationCheck, type NegativeCalibrationReport } from './negative-calibration.ts';
