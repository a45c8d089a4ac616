import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';

/**
 * The plain Transformers.js feature-extraction pipeline on a local folder: the baseline the
 * engine is compared with (and, in the tests, checked against for equal embeddings).
 */
export async function loadPipeline(dir: string, dtype: 'fp32' | 'q8' = 'fp32'): Promise<FeatureExtractionPipeline> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  return (await pipeline('feature-extraction', dir, { dtype, device: 'cpu' })) as FeatureExtractionPipeline;
}

/** Mean-pooled, L2-normalised embeddings as plain arrays, one per text. */
export async function pipelineEmbed(pipe: FeatureExtractionPipeline, texts: string | string[]): Promise<number[][]> {
  const out = await pipe(texts, { pooling: 'mean', normalize: true });
  return out.tolist() as number[][];
}
