/**
 * The model generator: BERT-architecture ONNX encoders with seeded random weights, written in
 * the Transformers.js layout, for machines that cannot download pretrained weights.
 */
export {
  generateModel,
  ensureGeneratedModel,
  isGeneratedModelDir,
  readGeneratedModelInfo,
  GENERATOR_VERSION,
  type GenerateModelOptions,
  type GenerateModelResult,
  type GeneratedModelInfo,
} from './generate-model.ts';
export { SHAPE_NAMES, SHAPES, getShape, isShapeName, countParameters, type BertShape, type ShapeName } from './shapes.ts';
export { defaultMiniLmTokenizerDir } from './tokenizer-files.ts';
