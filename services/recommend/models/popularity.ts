import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import type { UserHistory } from './user-history.ts';

/** Options of {@link PopularityModel.train}. */
export interface PopularityOptions {
  /**
   * Half-life of an interaction's vote, in days; Infinity counts every interaction equally.
   * @defaultValue 30
   */
  halfLifeDays?: number;
  /**
   * The "now" the decay is measured from (Unix seconds).
   * @defaultValue the latest interaction's timestamp, or the clock if that is later (an
   * interaction dated in the future must not decay every other one away)
   */
  now?: number;
}

/**
 * No interaction counts less than this share of a fresh one (after 20 half-lives the decay
 * stops): items with nothing recent are still ordered by how popular they were, instead of all
 * decaying to an exact zero and tying.
 */
const DECAY_FLOOR = 2 ** -20;

/**
 * Item popularity with exponential time decay: each interaction votes
 * weight·max(0.5^(age/half-life), 2^-20) for its item. The same list for everyone: the fallback
 * for users with no history.
 *
 * @example PopularityModel.train(matrix, { halfLifeDays: 14 }).score(EMPTY_HISTORY, out);
 */
export class PopularityModel implements CandidateSource {
  readonly name = 'popularity';

  constructor(
    readonly numItems: number,
    readonly scores: Float32Array,
    readonly params: { halfLifeDays: number; now: number },
  ) {
    if (scores.length !== numItems) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'popularity scores do not cover the catalogue');
  }

  static train(matrix: InteractionMatrix, options: PopularityOptions = {}): PopularityModel {
    const halfLifeDays = options.halfLifeDays ?? 30;
    let now = options.now ?? 0;
    if (options.now === undefined) {
      for (let k = 0; k < matrix.nnz; k++) now = Math.max(now, matrix.timestamps[k]!);
      now = Math.min(now, Date.now() / 1000);
    }
    const perSecond = Number.isFinite(halfLifeDays) ? Math.LN2 / (halfLifeDays * 86400) : 0;
    const scores = new Float32Array(matrix.numItems);
    for (let k = 0; k < matrix.nnz; k++) {
      const age = Math.max(0, now - matrix.timestamps[k]!);
      scores[matrix.indices[k]!]! += matrix.values[k]! * Math.max(Math.exp(-age * perSecond), DECAY_FLOOR);
    }
    return new PopularityModel(matrix.numItems, scores, { halfLifeDays, now });
  }

  static fromParts(parts: SourceParts): PopularityModel {
    const s = parts.arrays.scores;
    if (!(s instanceof Float32Array)) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'popularity scores missing');
    return new PopularityModel(Number(parts.params.numItems), s, {
      halfLifeDays: Number(parts.params.halfLifeDays ?? Infinity),
      now: Number(parts.params.now),
    });
  }

  score(_history: UserHistory, out: Float32Array): void {
    out.set(this.scores);
  }

  toParts(): SourceParts {
    // JSON has no Infinity: store a non-decaying model's half-life as null.
    const halfLifeDays = Number.isFinite(this.params.halfLifeDays) ? this.params.halfLifeDays : null;
    return { kind: 'popularity', params: { numItems: this.numItems, halfLifeDays, now: this.params.now }, arrays: { scores: this.scores } };
  }
}
