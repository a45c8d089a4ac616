import type { ResolvedClassifierOptions } from './classifier-options.ts';
import { ExampleIndex, exampleVector, type KnnOptions } from './example-index.ts';
import { FeaturePipeline } from './feature-pipeline.ts';
import { linearScores, type LinearModel } from './linear-model.ts';
import { trainLinearSvm } from './linear-svm.ts';
import { nbLogCountRatios, scaleColumns } from './nb-scaling.ts';
import { trainSoftmaxRegression } from './softmax-regression.ts';
import { softmaxRows } from './temperature-scaling.ts';
import { leadingColumns, type CsrMatrix } from './sparse-matrix.ts';

/** What one training run produces: features, optional NB scaling, the head, the example index. */
export interface ClassifierParts {
  pipeline: FeaturePipeline;
  nbScale: Float32Array | undefined;
  head: LinearModel;
  /** The softmax-regression head blended with `head` (options.blend), if any. */
  blend: LinearModel | undefined;
  /** The index's vectors (int8) and labels, kept for serialisation. */
  knnVectors: QuantizedVectors | undefined;
  knnLabels: Int32Array;
  index: ExampleIndex | undefined;
}

export async function fitParts(
  texts: readonly string[],
  embeddings: readonly Float32Array[] | undefined,
  y: Int32Array,
  classes: number,
  o: ResolvedClassifierOptions,
  /** Build the example index searched for the kNN vote (the vectors are kept either way). */
  withIndex = true,
): Promise<ClassifierParts> {
  const pipeline = FeaturePipeline.fit(texts, embeddings, o.features);
  const x = pipeline.transform(texts, embeddings);
  const nbScale = o.nbAlpha !== false && classes === 2 ? nbLogCountRatios(x, y, pipeline.lexicalCols, o.nbAlpha) : undefined;
  const xh = nbScale ? scaleColumns(x, nbScale, pipeline.lexicalCols) : x;
  const head =
    o.head.kind === 'svm'
      ? trainLinearSvm(xh, y, classes, { c: o.head.c ?? 1, seed: o.seed })
      : trainSoftmaxRegression(xh, y, classes, { c: o.head.c ?? 30, epochs: o.head.epochs ?? 15, seed: o.seed });
  // a lexical-only blend head has fewer features than the matrix: scoring skips the rest
  const blendCols = o.blend && o.blend.lexicalOnly && pipeline.lexicalCols > 0 ? pipeline.lexicalCols : xh.cols;
  const blend = o.blend
    ? trainSoftmaxRegression(leadingColumns(xh, blendCols), y, classes, { c: o.blend.c, epochs: o.blend.epochs, seed: o.seed })
    : undefined;
  const knnVectors = o.knn ? quantizeVectors(indexVectors(x, pipeline, o.knn)) : undefined;
  const index = withIndex && o.knn && knnVectors ? await ExampleIndex.build(dequantizeVectors(knnVectors), y, classes, o.knn) : undefined;
  return { pipeline, nbScale, head, blend, knnVectors, knnLabels: y, index };
}

/**
 * Index vectors as stored: int8 with one scale per vector (a quarter of float32's bytes in the
 * model folder). The index is built from the dequantised vectors, so a loaded model searches
 * exactly what the trained one did.
 */
export interface QuantizedVectors {
  codes: Int8Array;
  scales: Float32Array;
  dim: number;
}

export function quantizeVectors(vs: readonly Float32Array[]): QuantizedVectors {
  const dim = vs[0]?.length ?? 0;
  const codes = new Int8Array(vs.length * dim);
  const scales = new Float32Array(vs.length);
  vs.forEach((v, i) => {
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(v[k]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[i] = scale;
    for (let k = 0; k < dim; k++) codes[i * dim + k] = Math.round(v[k]! / scale);
  });
  return { codes, scales, dim };
}

export function dequantizeVectors(q: QuantizedVectors): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < q.scales.length; i++) {
    const v = new Float32Array(q.dim);
    for (let k = 0; k < q.dim; k++) v[k] = q.codes[i * q.dim + k]! * q.scales[i]!;
    out.push(v);
  }
  return out;
}

export function indexVectors(x: CsrMatrix, pipeline: FeaturePipeline, knn: Required<KnnOptions>): Float32Array[] {
  const out: Float32Array[] = [];
  const sketch = pipeline.lexicalCols > 0 ? knn.sketchDim : 0;
  for (let r = 0; r < x.rows; r++) out.push(exampleVector(x, r, pipeline.lexicalCols, sketch, knn.denseWeight));
  return out;
}

/** Raw scores of the head(s) and kNN vote of some texts, row-major; `blend` and `vote` undefined when not part of the model. */
export interface PartScores {
  scores: Float32Array;
  blend: Float32Array | undefined;
  vote: Float64Array | undefined;
}

export async function scoreParts(
  parts: ClassifierParts,
  texts: readonly string[],
  embeddings: readonly Float32Array[] | undefined,
  knn: Required<KnnOptions> | false,
): Promise<PartScores> {
  const x = parts.pipeline.transform(texts, embeddings);
  const xh = parts.nbScale ? scaleColumns(x, parts.nbScale, parts.pipeline.lexicalCols) : x;
  const scores = linearScores(parts.head, xh);
  const blend = parts.blend ? linearScores(parts.blend, xh) : undefined;
  const vote = parts.index && knn ? await parts.index.vote(indexVectors(x, parts.pipeline, knn)) : undefined;
  return { scores, blend, vote };
}

/** The calibration `combine` applies; the blend fields are absent in models without a blend head. */
export interface MixWeights {
  tHead: number;
  knnWeight: number;
  tFinal: number;
  tBlend?: number;
  blendWeight?: number;
}

/**
 * Calibrated class probabilities: the head's softmax at temperature `tHead` (averaged with the
 * blend head's softmax at `tBlend`, its share `blendWeight`), mixed with the kNN vote at weight
 * `knnWeight`, then sharpened or flattened by the final temperature.
 */
export function combine(s: PartScores, classes: number, cal: MixWeights): Float64Array {
  const { scores, blend, vote } = s;
  const out = new Float64Array(scores.length);
  const bw = blend && cal.blendWeight ? cal.blendWeight : 0;
  const pBlend = bw > 0 ? softmaxRows(blend!, classes, cal.tBlend ?? 1) : undefined;
  for (let o = 0; o < scores.length; o += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[o + c]! / cal.tHead);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += (out[o + c] = Math.exp(scores[o + c]! / cal.tHead - max));
    let total = 0;
    for (let c = 0; c < classes; c++) {
      let p = out[o + c]! / sum;
      if (pBlend) p = (1 - bw) * p + bw * pBlend[o + c]!;
      if (vote && cal.knnWeight > 0) p = (1 - cal.knnWeight) * p + cal.knnWeight * vote[o + c]!;
      // final temperature on log-probabilities: p^(1/T), renormalised
      out[o + c] = Math.pow(Math.max(p, 1e-300), 1 / cal.tFinal);
      total += out[o + c]!;
    }
    for (let c = 0; c < classes; c++) out[o + c]! /= total;
  }
  return out;
}

/** Log of the mixed (pre-final-temperature) probabilities, the scores the final temperature is fitted on. */
export function mixedLogits(s: PartScores, classes: number, cal: Omit<MixWeights, 'tFinal'>): Float64Array {
  const p = combine(s, classes, { ...cal, tFinal: 1 });
  return p.map((v) => Math.log(Math.max(v, 1e-300)));
}
