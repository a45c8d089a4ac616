import { appError } from '../../../shared/errors/index.ts';
import type { ScoreNormalisation } from './blend.ts';
import type { ModelArray } from './candidate-source.ts';
import { sourceFromParts } from './source-registry.ts';
import { TrainedRecommender, type TrainingReport } from './trained-recommender.ts';

export const RECOMMENDER_FORMAT = 'affinity-recommender';
export const RECOMMENDER_FORMAT_VERSION = 1;

type DType = 'float32' | 'float64' | 'int32';

/** The JSON half of a stored recommender; every typed array is a separate little-endian file. */
export interface RecommenderManifest {
  format: typeof RECOMMENDER_FORMAT;
  version: number;
  numItems: number;
  /** File holding the item ids (a JSON array of strings, in index order). */
  itemIdsFile: string;
  normalisation: ScoreNormalisation;
  sources: {
    name: string;
    kind: string;
    weight: number;
    params: Record<string, unknown>;
    arrays: { name: string; file: string; dtype: DType; length: number }[];
  }[];
  report: TrainingReport;
}

export interface RecommenderBuffers {
  manifest: RecommenderManifest;
  /** File name → bytes (write each beside a manifest.json, or into any blob store). */
  files: Record<string, Uint8Array>;
}

/**
 * Splits a recommender into a manifest and raw array files, for a model registry to store.
 * @example const { manifest, files } = recommenderToBuffers(model);
 */
export function recommenderToBuffers(model: TrainedRecommender): RecommenderBuffers {
  const files: Record<string, Uint8Array> = {};
  const itemIdsFile = 'item-ids.json';
  files[itemIdsFile] = new TextEncoder().encode(JSON.stringify(model.itemIds));
  const sources = model.sources.map((source, s) => {
    const parts = source.toParts();
    const arrays = Object.entries(parts.arrays).map(([name, arr]) => {
      const file = `${source.name}.${name}.bin`;
      files[file] = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      return { name, file, dtype: dtypeOf(arr), length: arr.length };
    });
    return { name: source.name, kind: parts.kind, weight: model.weights[s]!, params: parts.params, arrays };
  });
  const manifest: RecommenderManifest = {
    format: RECOMMENDER_FORMAT,
    version: RECOMMENDER_FORMAT_VERSION,
    numItems: model.numItems,
    itemIdsFile,
    normalisation: model.normalisation,
    sources,
    report: model.report,
  };
  return { manifest, files };
}

/**
 * Rebuilds a recommender from {@link recommenderToBuffers}' output (files may be Node Buffers at
 * any offset: arrays are copied when not aligned).
 */
export function recommenderFromBuffers(manifest: RecommenderManifest, files: Record<string, Uint8Array>): TrainedRecommender {
  if (manifest.format !== RECOMMENDER_FORMAT || manifest.version !== RECOMMENDER_FORMAT_VERSION) {
    throw appError('RECOMMENDER_ARTIFACT_INVALID', `not an ${RECOMMENDER_FORMAT} v${RECOMMENDER_FORMAT_VERSION} manifest`, {
      format: manifest.format,
      version: manifest.version,
    });
  }
  const idsBytes = need(files, manifest.itemIdsFile);
  const itemIds = JSON.parse(new TextDecoder().decode(idsBytes)) as unknown;
  if (!Array.isArray(itemIds) || itemIds.length !== manifest.numItems) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'item ids do not match numItems');
  const sources = manifest.sources.map((s) => {
    const arrays: Record<string, ModelArray> = {};
    for (const a of s.arrays) arrays[a.name] = toTyped(need(files, a.file), a.dtype, a.length, a.file);
    const source = sourceFromParts({ kind: s.kind, params: s.params, arrays });
    return source;
  });
  return new TrainedRecommender(
    itemIds.map(String),
    sources,
    manifest.sources.map((s) => s.weight),
    manifest.report,
    manifest.normalisation,
  );
}

function need(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const f = files[name];
  if (!f) throw appError('RECOMMENDER_ARTIFACT_INVALID', `file ${name} is missing`, { file: name });
  return f;
}

function dtypeOf(a: ModelArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}

function toTyped(bytes: Uint8Array, dtype: DType, length: number, file: string): ModelArray {
  const Ctor = dtype === 'float32' ? Float32Array : dtype === 'float64' ? Float64Array : Int32Array;
  if (bytes.byteLength !== length * Ctor.BYTES_PER_ELEMENT) {
    throw appError('RECOMMENDER_ARTIFACT_INVALID', `${file} has ${bytes.byteLength} bytes, expected ${length} ${dtype}`, { file });
  }
  const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, length);
}
