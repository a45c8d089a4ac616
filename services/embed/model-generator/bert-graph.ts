/**
 * The ONNX graph of a Hugging Face BertModel with seeded random weights, laid out the way a
 * PyTorch export of BertModel looks (opset 17): the node patterns are the ones ONNX Runtime's
 * graph optimizer recognises (LayerNormalization, the Erf form of GELU, MatMul + Add), so a
 * generated model costs what the real model costs to run.
 *
 * Weights follow BertModel's initialisation: normal(0, 0.02) for matrices and embeddings,
 * zero biases, LayerNorm gamma 1 and beta 0, and a zero word-embedding row for [PAD].
 * Matrices are stored [in, out], i.e. already transposed for MatMul, as exports store them.
 */
import { OnnxGraphBuilder, attr, onnxDataType, type GraphSpec } from './onnx-graph-builder.ts';
import { fillNormal } from './seeded-random.ts';
import type { BertShape } from './shapes.ts';

/** The name of the encoder's only output. */
export const OUTPUT_NAME = 'last_hidden_state';
/** The encoder's inputs, all int64 [batch_size, sequence_length]. */
export const INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

const INIT_STD = 0.02; // BertConfig.initializer_range
const MASKED_SCORE = -10000; // what (1 - mask) * -10000 adds to the scores of padding tokens

/** Shared constants and weight factories for one graph. */
interface Ctx {
  b: OnnxGraphBuilder;
  shape: BertShape;
  seed: number;
  one: string;
  headShape: string;
  mergedShape: string;
  sqrtHeadDim: string;
  sqrt2: string;
  half: string;
}

function size(dims: number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}

function normal(c: Ctx, name: string, dims: number[]): Float32Array {
  return fillNormal(new Float32Array(size(dims)), c.seed, name, 0, INIT_STD);
}

/** x @ W + b, with W [inDim, outDim] random and b zero. */
function linear(c: Ctx, x: string, prefix: string, inDim: number, outDim: number): string {
  const w = c.b.addInitializer(`${prefix}.weight`, 'float32', [inDim, outDim], normal(c, `${prefix}.weight`, [inDim, outDim]));
  const bias = c.b.addInitializer(`${prefix}.bias`, 'float32', [outDim], new Float32Array(outDim));
  return c.b.node('Add', [c.b.node('MatMul', [x, w]), bias]);
}

function layerNorm(c: Ctx, x: string, prefix: string, output?: string): string {
  const h = c.shape.hiddenSize;
  const gamma = c.b.addInitializer(`${prefix}.weight`, 'float32', [h], new Float32Array(h).fill(1));
  const beta = c.b.addInitializer(`${prefix}.bias`, 'float32', [h], new Float32Array(h));
  const attrs = { axis: attr.int(-1), epsilon: attr.float(c.shape.layerNormEps) };
  return c.b.node('LayerNormalization', [x, gamma, beta], attrs, output);
}

/** word + position + token-type embeddings, then LayerNorm: [B, S, H]. */
function embeddings(c: Ctx, inputIds: string, tokenTypeIds: string): string {
  const { b, shape: s } = c;
  const h = s.hiddenSize;
  const wordData = normal(c, 'embeddings.word_embeddings.weight', [s.vocabSize, h]);
  wordData.fill(0, s.padTokenId * h, (s.padTokenId + 1) * h); // nn.Embedding(padding_idx) zeroes it
  const word = b.addInitializer('embeddings.word_embeddings.weight', 'float32', [s.vocabSize, h], wordData);
  const pos = b.addInitializer(
    'embeddings.position_embeddings.weight',
    'float32',
    [s.maxPositionEmbeddings, h],
    normal(c, 'embeddings.position_embeddings.weight', [s.maxPositionEmbeddings, h]),
  );
  const type = b.addInitializer(
    'embeddings.token_type_embeddings.weight',
    'float32',
    [s.typeVocabSize, h],
    normal(c, 'embeddings.token_type_embeddings.weight', [s.typeVocabSize, h]),
  );
  // BertEmbeddings keeps position ids as a [1, max_positions] arange buffer and slices the
  // first S of them; the export keeps that slice, so the graph does the same.
  const arange = Array.from({ length: s.maxPositionEmbeddings }, (_, i) => i);
  const positionIds = b.addInt64s('embeddings.position_ids', [1, s.maxPositionEmbeddings], arange);
  const seqLen = b.node('Shape', [inputIds], { start: attr.int(1), end: attr.int(2) });
  const sliced = b.node('Slice', [positionIds, b.addInt64s('/embeddings/slice_start', [1], [0]), seqLen, b.addInt64s('/embeddings/slice_axes', [1], [1])]);

  let x = b.node('Gather', [word, inputIds], { axis: attr.int(0) });
  x = b.node('Add', [x, b.node('Gather', [type, tokenTypeIds], { axis: attr.int(0) })]);
  x = b.node('Add', [x, b.node('Gather', [pos, sliced], { axis: attr.int(0) })]);
  return layerNorm(c, x, 'embeddings.LayerNorm');
}

/** (1 - mask) * -10000 as float [B, 1, 1, S], added to every head's attention scores. */
function extendedMask(c: Ctx, attentionMask: string): string {
  const { b } = c;
  const unsqueezed = b.node('Unsqueeze', [attentionMask, b.addInt64s('/mask/unsqueeze_axes', [2], [1, 2])]);
  const asFloat = b.node('Cast', [unsqueezed], { to: attr.int(onnxDataType('float32')) });
  const inverted = b.node('Sub', [c.one, asFloat]);
  return b.node('Mul', [inverted, b.addFloats('/mask/masked_score', [], [MASKED_SCORE])]);
}

/** Splits [B, S, H] into heads: [B, heads, S, head_dim], or K^T [B, heads, head_dim, S]. */
function heads(c: Ctx, x: string, transposed: boolean): string {
  const split = c.b.node('Reshape', [x, c.headShape]);
  return c.b.node('Transpose', [split], { perm: attr.ints(transposed ? [0, 2, 3, 1] : [0, 2, 1, 3]) });
}

function selfAttention(c: Ctx, x: string, mask: string, p: string): string {
  const { b } = c;
  const h = c.shape.hiddenSize;
  const q = heads(c, linear(c, x, `${p}.attention.self.query`, h, h), false);
  const kT = heads(c, linear(c, x, `${p}.attention.self.key`, h, h), true);
  const v = heads(c, linear(c, x, `${p}.attention.self.value`, h, h), false);
  const scores = b.node('Add', [b.node('Div', [b.node('MatMul', [q, kT]), c.sqrtHeadDim]), mask]);
  const probs = b.node('Softmax', [scores], { axis: attr.int(-1) });
  const context = b.node('Transpose', [b.node('MatMul', [probs, v])], { perm: attr.ints([0, 2, 1, 3]) });
  return b.node('Reshape', [context, c.mergedShape]);
}

/** GELU, exact form: 0.5 * x * (1 + erf(x / sqrt(2))). */
function gelu(c: Ctx, x: string): string {
  const { b } = c;
  const erf = b.node('Erf', [b.node('Div', [x, c.sqrt2])]);
  return b.node('Mul', [b.node('Mul', [x, b.node('Add', [erf, c.one])]), c.half]);
}

/** One BertLayer: attention, residual + LayerNorm, feed-forward, residual + LayerNorm. */
function layer(c: Ctx, x: string, mask: string, index: number, output?: string): string {
  const { b } = c;
  const { hiddenSize: h, intermediateSize: inter } = c.shape;
  const p = `encoder.layer.${index}`;
  const attnOut = linear(c, selfAttention(c, x, mask, p), `${p}.attention.output.dense`, h, h);
  const attn = layerNorm(c, b.node('Add', [attnOut, x]), `${p}.attention.output.LayerNorm`);
  const up = gelu(c, linear(c, attn, `${p}.intermediate.dense`, h, inter));
  const down = linear(c, up, `${p}.output.dense`, inter, h);
  return layerNorm(c, b.node('Add', [down, attn]), `${p}.output.LayerNorm`, output);
}

/**
 * Builds the float32 encoder graph of `shape` with weights drawn from `seed`.
 * @example const graph = buildBertGraph(getShape('tiny'), 42); const bytes = encodeModel(graph);
 */
export function buildBertGraph(shape: BertShape, seed: number): GraphSpec {
  if (shape.hiddenSize % shape.numAttentionHeads !== 0) {
    throw new RangeError(`hidden size ${shape.hiddenSize} is not a multiple of ${shape.numAttentionHeads} heads`);
  }
  const b = new OnnxGraphBuilder(`affinity-bert-${shape.name}`);
  const dims = ['batch_size', 'sequence_length'];
  const [inputIds, attentionMask, tokenTypeIds] = INPUT_NAMES.map((n) => b.addInput(n, 'int64', dims)) as [string, string, string];
  const headDim = shape.hiddenSize / shape.numAttentionHeads;
  const c: Ctx = {
    b,
    shape,
    seed,
    one: b.addFloats('/const/one', [], [1]),
    // Reshape copies a 0 from the input's dims, so one constant serves every batch and length.
    headShape: b.addInt64s('/const/head_shape', [4], [0, 0, shape.numAttentionHeads, headDim]),
    mergedShape: b.addInt64s('/const/merged_shape', [3], [0, 0, shape.hiddenSize]),
    sqrtHeadDim: b.addFloats('/const/sqrt_head_dim', [], [Math.sqrt(headDim)]),
    sqrt2: b.addFloats('/const/sqrt_2', [], [Math.SQRT2]),
    half: b.addFloats('/const/half', [], [0.5]),
  };
  const mask = extendedMask(c, attentionMask);
  let hidden = embeddings(c, inputIds, tokenTypeIds);
  for (let i = 0; i < shape.numHiddenLayers; i++) {
    hidden = layer(c, hidden, mask, i, i === shape.numHiddenLayers - 1 ? OUTPUT_NAME : undefined);
  }
  b.addOutput(hidden, 'float32', [...dims, shape.hiddenSize]);
  return b.toGraph();
}
