import { appError } from '../../../shared/errors/index.ts';
import type { FolderFile } from '../../../shared/fs/write-folder-atomically.ts';
import type { ResolvedClassifierOptions } from './classifier-options.ts';
import type { ClassifierParts, QuantizedVectors } from './classifier-parts.ts';
import { FeaturePipeline, type FeatureState } from './feature-pipeline.ts';
import { toModelFiles, type StoredArray } from './model-files.ts';

/**
 * The fitted confidence mapping: head temperature, kNN weight in the mix, final temperature;
 * with a blend head, its temperature and share (absent in models saved without one).
 */
export interface Calibration {
  tHead: number;
  knnWeight: number;
  tFinal: number;
  tBlend?: number;
  blendWeight?: number;
}

/** What manifest.json holds besides the array table. */
export interface ClassifierMeta {
  format: 'affinity-text-classifier';
  version: 1;
  labels: string[];
  options: ResolvedClassifierOptions;
  calibration: Calibration;
  unknown_threshold: number;
  n_train: number;
  /** Figures on the held-out split the calibration was fitted on. */
  holdout: Record<string, number | null>;
  /** Whole training time, embedding the texts included; and the embedding part of it. */
  train_seconds: number;
  embed_seconds: number;
  created: string;
  /** Set when serialised: the fitted shapes. */
  shapes?: { word: number; char: number; dense_dim: number; features: number; classes: number; examples: number; index_dim: number; blend_features?: number };
}

export function partsToFiles(meta: ClassifierMeta, p: ClassifierParts): FolderFile[] {
  const s = p.pipeline.state;
  const arrays: Record<string, StoredArray> = {
    head_weights: p.head.weights,
    head_bias: p.head.bias,
  };
  if (s.word) Object.assign(arrays, { word_keys: s.word.keys, word_idf: s.word.idf });
  if (s.char) Object.assign(arrays, { char_keys: s.char.keys, char_idf: s.char.idf });
  if (s.denseMean) arrays.dense_mean = s.denseMean;
  if (p.nbScale) arrays.nb_scale = p.nbScale;
  if (p.blend) Object.assign(arrays, { blend_weights: p.blend.weights, blend_bias: p.blend.bias });
  const indexDim = p.knnVectors?.dim ?? 0;
  if (p.knnVectors) {
    arrays.knn_codes = p.knnVectors.codes;
    arrays.knn_scales = p.knnVectors.scales;
    arrays.knn_labels = p.knnLabels;
  }
  const shapes = {
    word: s.word?.keys.length ?? 0,
    char: s.char?.keys.length ?? 0,
    dense_dim: s.denseDim,
    features: p.head.features,
    classes: p.head.classes,
    examples: p.knnVectors?.scales.length ?? 0,
    index_dim: indexDim,
    blend_features: p.blend?.features ?? 0,
  };
  return toModelFiles({ ...meta, shapes, feature_options: s.options } as unknown as Record<string, unknown>, arrays);
}

export function partsFromFiles(meta: ClassifierMeta, arrays: Map<string, StoredArray>): ClassifierParts {
  const shapes = meta.shapes;
  const get = <T extends StoredArray>(name: string, type: new (n: number) => T, length?: number): T => {
    const a = arrays.get(name);
    if (!(a instanceof type) || (length !== undefined && a.length !== length)) {
      throw appError('CLASSIFIER_MODEL_INVALID', `array ${name} is missing or has the wrong type or size`, { array: name });
    }
    return a;
  };
  if (!shapes) throw appError('CLASSIFIER_MODEL_INVALID', 'the manifest has no shapes');
  const featureOptions = (meta as unknown as { feature_options: FeatureState['options'] }).feature_options;
  const state: FeatureState = {
    options: featureOptions,
    word: shapes.word > 0 ? { keys: get('word_keys', Uint32Array, shapes.word), idf: get('word_idf', Float32Array, shapes.word) } : undefined,
    char: shapes.char > 0 ? { keys: get('char_keys', Uint32Array, shapes.char), idf: get('char_idf', Float32Array, shapes.char) } : undefined,
    denseDim: shapes.dense_dim,
    denseMean: shapes.dense_dim > 0 ? get('dense_mean', Float32Array, shapes.dense_dim) : undefined,
  };
  const pipeline = FeaturePipeline.fromState(state);
  if (pipeline.cols !== shapes.features) throw appError('CLASSIFIER_MODEL_INVALID', `the features add up to ${pipeline.cols} columns, the head has ${shapes.features}`);
  const head = {
    classes: shapes.classes,
    features: shapes.features,
    weights: get('head_weights', Float32Array, shapes.features * shapes.classes),
    bias: get('head_bias', Float32Array, shapes.classes),
  };
  let knnVectors: QuantizedVectors | undefined;
  let knnLabels = new Int32Array(0);
  if (shapes.examples > 0) {
    knnVectors = {
      codes: get('knn_codes', Int8Array, shapes.examples * shapes.index_dim),
      scales: get('knn_scales', Float32Array, shapes.examples),
      dim: shapes.index_dim,
    };
    knnLabels = get('knn_labels', Int32Array, shapes.examples);
  }
  const nbScale = arrays.has('nb_scale') ? get('nb_scale', Float32Array, shapes.features) : undefined;
  const bf = shapes.blend_features ?? 0;
  if (bf > shapes.features) throw appError('CLASSIFIER_MODEL_INVALID', `the blend head has ${bf} features, the features add up to ${shapes.features}`);
  const blend =
    bf > 0
      ? { classes: shapes.classes, features: bf, weights: get('blend_weights', Float32Array, bf * shapes.classes), bias: get('blend_bias', Float32Array, shapes.classes) }
      : undefined;
  return { pipeline, nbScale, head, blend, knnVectors, knnLabels, index: undefined };
}
