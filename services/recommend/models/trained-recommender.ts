import { appError } from '../../../shared/errors/index.ts';
import { Blend, type ScoreNormalisation } from './blend.ts';
import type { CandidateSource } from './candidate-source.ts';
import { topK } from './top-k.ts';
import { historyOf, type UserHistory } from './user-history.ts';

/** One recommended item, with what each source added to its blended score. */
export interface Recommendation {
  itemIdx: number;
  score: number;
  /** weight × normalised score, per source that took part (sums to `score`). */
  contributions: Record<string, number>;
  /**
   * The history item that contributed most through an item-to-item source ("because you rated
   * X"), when such a source took part; `source` names it.
   */
  because?: { itemIdx: number; source: string };
}

export interface RecommendOptions {
  /** Item indices never to return (besides the history, see `excludeHistory`). */
  exclude?: Iterable<number>;
  /** Only items for which this returns true are candidates (category, price, stock filters). */
  candidateFilter?: (itemIdx: number) => boolean;
  /** Leave the history's own items out. @defaultValue true */
  excludeHistory?: boolean;
  /**
   * Work out `because` for every result. False leaves it out, for a caller that shows only a
   * few of many results and asks {@link TrainedRecommender.because} for those.
   * @defaultValue true
   */
  explain?: boolean;
}

/** Training facts kept with the model: chosen parameters, weights, timings, validation figures. */
export interface TrainingReport {
  /** Seconds to train each source on the full data, by source name. */
  trainSeconds: Record<string, number>;
  /** Seconds spent on the validation split (hyper-parameters and blend weights). */
  tuningSeconds: number;
  totalSeconds: number;
  params: Record<string, Record<string, number>>;
  validation?: {
    users: number;
    /** Validation nDCG@k of each source alone, and of the blend. */
    alone: Record<string, number>;
    blend: number;
    k: number;
    /** The same figure for the recipe of the model that was in service, on the same users (see TrainRecommenderOptions.baseline). */
    baseline?: number;
  };
  interactions: number;
  users: number;
}

/**
 * A trained, blended recommender: the sources, their weights and the item catalogue. Scoring is
 * from a history, so known users, new users and sessions (context items) go the same way.
 * Not safe for concurrent use from several threads (it reuses scoring buffers); in Node one
 * instance per process is fine.
 *
 * @example const recs = model.recommend(historyOf([model.itemIndex('242')!]), 10);
 */
export class TrainedRecommender {
  private readonly blend: Blend;
  private readonly scores: Float32Array;
  private readonly skip: Uint8Array;
  private lookup: Map<string, number> | undefined;
  private similarView: TrainedRecommender | undefined;

  constructor(
    readonly itemIds: readonly string[],
    readonly sources: readonly CandidateSource[],
    readonly weights: readonly number[],
    readonly report: TrainingReport,
    readonly normalisation: ScoreNormalisation = 'zscore',
  ) {
    if (sources.length === 0 || sources.length !== weights.length) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'a recommender needs sources with one weight each');
    for (const s of sources) {
      if (s.numItems !== itemIds.length) throw appError('RECOMMENDER_ARTIFACT_INVALID', `source ${s.name} covers ${s.numItems} items, catalogue has ${itemIds.length}`);
    }
    this.blend = new Blend(sources, weights, normalisation);
    this.scores = new Float32Array(itemIds.length);
    this.skip = new Uint8Array(itemIds.length);
  }

  get numItems(): number {
    return this.itemIds.length;
  }

  itemIndex(id: string): number | undefined {
    this.lookup ??= new Map(this.itemIds.map((x, i) => [x, i]));
    return this.lookup.get(id);
  }

  /** Blend weights by source name. */
  weightsByName(): Record<string, number> {
    return Object.fromEntries(this.sources.map((s, i) => [s.name, this.weights[i]!]));
  }

  /** The same sources with other weights (missing names get 0): e.g. one source alone. */
  withWeights(weights: Record<string, number>): TrainedRecommender {
    return new TrainedRecommender(this.itemIds, this.sources, this.sources.map((s) => weights[s.name] ?? 0), this.report, this.normalisation);
  }

  /** The k best items for a history, best first. */
  recommend(history: UserHistory, k: number, options: RecommendOptions = {}): Recommendation[] {
    const skip = this.skip;
    skip.fill(0);
    if (options.excludeHistory ?? true) for (let h = 0; h < history.items.length; h++) skip[history.items[h]!] = 1;
    for (const i of options.exclude ?? []) if (i >= 0 && i < skip.length) skip[i] = 1;
    if (options.candidateFilter) for (let i = 0; i < skip.length; i++) if (!skip[i] && !options.candidateFilter(i)) skip[i] = 1;
    const parts = this.blend.score(history, skip, this.scores);
    const explain = options.explain ?? true;
    return Array.from(topK(this.scores, k), (itemIdx) => {
      const contributions = this.contributionsOf(itemIdx, parts);
      const because = explain ? this.because(history, itemIdx, contributions) : undefined;
      return { itemIdx, score: this.scores[itemIdx]!, contributions, ...(because ? { because } : {}) };
    });
  }

  /**
   * The history item that contributed most to `itemIdx` through an item-to-item source, from the
   * `contributions` that `recommend` reported for it with this history: what `because` is.
   *
   * @example const [top] = model.recommend(history, 50, { explain: false }); model.because(history, top.itemIdx, top.contributions)
   */
  because(history: UserHistory, itemIdx: number, contributions: Readonly<Record<string, number>>): Recommendation['because'] {
    let because: Recommendation['because'];
    let becauseValue = 0;
    for (const source of this.sources) {
      const c = contributions[source.name];
      if (c === undefined || !source.explain || !(c > becauseValue)) continue;
      const h = source.explain(history, itemIdx);
      if (h >= 0) {
        because = { itemIdx: history.items[h]!, source: source.name };
        becauseValue = c;
      }
    }
    return because;
  }

  /**
   * Items like `itemIdx`: the blend (without popularity) scoring a one-item history.
   * @example model.similar(model.itemIndex('50')!, 10)
   */
  similar(itemIdx: number, k: number, options: Omit<RecommendOptions, 'excludeHistory'> = {}): Recommendation[] {
    if (!Number.isInteger(itemIdx) || itemIdx < 0 || itemIdx >= this.numItems) {
      throw appError('VALIDATION_FAILED', `item index ${itemIdx} is outside the catalogue`, { itemIdx });
    }
    return this.itemView().recommend(historyOf([itemIdx]), k, options);
  }

  /** The blend without popularity, made once (its scoring buffers are as large as the catalog). */
  private itemView(): TrainedRecommender {
    if (!this.similarView) {
      const noPopularity = Object.fromEntries(this.sources.map((s, i) => [s.name, s.name === 'popularity' ? 0 : this.weights[i]!]));
      this.similarView = Object.values(noPopularity).some((w) => w > 0) ? this.withWeights(noPopularity) : this;
    }
    return this.similarView;
  }

  /** weight × normalised score of `itemIdx`, per source that took part. */
  private contributionsOf(itemIdx: number, parts: (Float32Array | null)[]): Record<string, number> {
    const contributions: Record<string, number> = {};
    for (let s = 0; s < this.sources.length; s++) {
      const part = parts[s];
      if (part) contributions[this.sources[s]!.name] = this.weights[s]! * part[itemIdx]!;
    }
    return contributions;
  }
}
