import type { UserHistory } from './user-history.ts';

/** Typed arrays a source is stored as; the model artefact writes each as one binary file. */
export type ModelArray = Float32Array | Float64Array | Int32Array;

/** A source's serialisable state: JSON-safe parameters plus named typed arrays. */
export interface SourceParts {
  kind: string;
  params: Record<string, unknown>;
  arrays: Record<string, ModelArray>;
}

/**
 * One way of scoring every item for a user. All sources score from a history (see
 * {@link UserHistory}) into a caller-owned buffer, so the blend can reuse buffers across requests.
 */
export interface CandidateSource {
  /** Stable name used in blend weights, metrics and result contributions ('ease', 'ials', …). */
  readonly name: string;
  readonly numItems: number;
  /** Writes a score for every item into `out` (length numItems); higher is better. */
  score(history: UserHistory, out: Float32Array): void;
  /**
   * For item-to-item sources: the history position whose item contributed most to `item`'s score
   * ("because you rated X"), or -1.
   */
  explain?(history: UserHistory, item: number): number;
  toParts(): SourceParts;
}
