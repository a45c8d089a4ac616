/**
 * The encoder shapes the generator knows. `minilm-l6` is exactly all-MiniLM-L6-v2, so that
 * throughput measured on it is the real model's; `tiny` is small enough for unit tests.
 */
import { appError } from '../../../shared/errors/index.ts';
import { tinyVocab } from './tiny-vocab.ts';

export const SHAPE_NAMES = ['tiny', 'minilm-l6'] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

/** The sizes of a BERT encoder, named as in Hugging Face's BertConfig (camel-cased). */
export interface BertShape {
  name: ShapeName;
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: 'gelu';
  padTokenId: number;
  /** sentence-transformers' `max_seq_length`: longer inputs are truncated before the encoder. */
  maxSeqLength: number;
  /** Where the tokenizer comes from: generated here, or copied from the real model's files. */
  tokenizer: 'generated-tiny' | 'copied';
}

export const SHAPES: Readonly<Record<ShapeName, Readonly<BertShape>>> = Object.freeze({
  tiny: Object.freeze({
    name: 'tiny',
    vocabSize: tinyVocab().length,
    hiddenSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    intermediateSize: 128,
    maxPositionEmbeddings: 128,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    hiddenAct: 'gelu',
    padTokenId: 0,
    maxSeqLength: 128,
    tokenizer: 'generated-tiny',
  }),
  'minilm-l6': Object.freeze({
    name: 'minilm-l6',
    vocabSize: 30522,
    hiddenSize: 384,
    numHiddenLayers: 6,
    numAttentionHeads: 12,
    intermediateSize: 1536,
    maxPositionEmbeddings: 512,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    hiddenAct: 'gelu',
    padTokenId: 0,
    maxSeqLength: 256,
    tokenizer: 'copied',
  }),
});

/**
 * Whether `name` is a known shape (narrows the type).
 * @example if (isShapeName(flag)) console.log(SHAPES[flag].hiddenSize);
 */
export function isShapeName(name: string): name is ShapeName {
  return (SHAPE_NAMES as readonly string[]).includes(name);
}

/**
 * The shape called `name`; an unknown name throws `MODEL_SHAPE_UNKNOWN`.
 * @example getShape('minilm-l6').hiddenSize === 384
 */
export function getShape(name: string): Readonly<BertShape> {
  if (!isShapeName(name)) {
    throw appError('MODEL_SHAPE_UNKNOWN', `unknown model shape "${name}" (known: ${SHAPE_NAMES.join(', ')})`, {
      shape: name,
      known: [...SHAPE_NAMES],
    });
  }
  return SHAPES[name];
}

/**
 * The number of float parameters of a BertModel of this shape without its pooler (the
 * feature-extraction export has only `last_hidden_state`, so the pooler is not in the graph).
 * @example countParameters(getShape('minilm-l6')) === 22_565_376
 */
export function countParameters(s: BertShape): number {
  const h = s.hiddenSize;
  const embeddings = (s.vocabSize + s.maxPositionEmbeddings + s.typeVocabSize) * h + 2 * h;
  const attention = 4 * (h * h + h) + 2 * h;
  const ffn = h * s.intermediateSize + s.intermediateSize + s.intermediateSize * h + h + 2 * h;
  return embeddings + s.numHiddenLayers * (attention + ffn);
}
