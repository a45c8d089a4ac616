import type { EventType } from '../catalog/catalog.schema.ts';
import type { TrainedRecommender } from '../models/trained-recommender.ts';
import { historyOf, type UserHistory } from '../models/user-history.ts';

/** One entry of a history as serving sees it: a stored event, or an item the visitor is looking at. */
export interface HistoryEntry {
  id: string;
  type: EventType | 'context';
  /** Milliseconds since the epoch. */
  ts: number;
  /** The event's weight (eventWeight; 1 for a context item). */
  weight: number;
}

/** One of the model's candidates: `rank` is its position in the list it came from. */
export interface ModelCandidate {
  id: string;
  score: number;
  rank: number;
}

export interface ScoreOptions {
  /** Candidates to keep, best first. */
  depth: number;
  /** Item ids never to return (what the user bought or rated). */
  excluded: ReadonlySet<string>;
  /** Only ids for which this is true are candidates (in the catalog, passing the filters). */
  candidate: (id: string) => boolean;
}

const VERB: Record<HistoryEntry['type'], string> = {
  view: 'viewed',
  cart: 'added',
  purchase: 'bought',
  rating: 'rated',
  context: 'are looking at',
};

/**
 * The trained model's best candidates for one history, best first, kept in the per-user cache.
 * Why an item is there ("because you rated Toy Story") is worked out only for the items shown
 * and then remembered: explaining one item reads the model once per history item, and a list of
 * a hundred candidates is shown ten at a time. Each candidate's contribution from every
 * item-to-item source is kept (a few numbers), so the explanation is the one the scoring gave.
 *
 * @example const list = ModelCandidates.score(model, popular, history, { depth: 100, excluded, candidate }, titleOf); list.reason(list.items[0])
 */
export class ModelCandidates {
  /** Reason by rank; null: none. */
  private readonly reasons = new Map<number, string | null>();

  private constructor(
    readonly items: readonly ModelCandidate[],
    private readonly model: TrainedRecommender,
    private readonly history: UserHistory,
    /** The history entries the model knows, in the order of `history.items`. */
    private readonly entries: readonly HistoryEntry[],
    /** Names of the sources that explain, and their contribution per candidate (rank-major). */
    private readonly explainers: readonly string[],
    private readonly contributions: Float64Array,
    private readonly itemIdx: Int32Array,
    private readonly titleOf: (id: string) => string | undefined,
  ) {}

  /**
   * Scores a history with `trained`, or with `popular` when the model knows none of its items.
   * `titleOf` names an item in a reason.
   */
  static score(
    trained: TrainedRecommender,
    popular: TrainedRecommender,
    history: readonly HistoryEntry[],
    options: ScoreOptions,
    titleOf: (id: string) => string | undefined,
  ): ModelCandidates {
    const entries: HistoryEntry[] = [];
    const indices: number[] = [];
    for (const h of history) {
      const idx = trained.itemIndex(h.id);
      if (idx === undefined) continue;
      entries.push(h);
      indices.push(idx);
    }
    const model = entries.length > 0 ? trained : popular;
    const hist = historyOf(
      indices,
      entries.map((h) => h.weight),
      entries.map((h) => Math.floor(h.ts / 1000)),
    );
    // by index, so the candidate test below runs only for the items still in play
    const exclude: number[] = [];
    for (const id of options.excluded) {
      const idx = model.itemIndex(id);
      if (idx !== undefined) exclude.push(idx);
    }
    const ids = model.itemIds;
    const recs = model.recommend(hist, options.depth, { excludeHistory: false, exclude, candidateFilter: (i) => options.candidate(ids[i]!), explain: false });
    const explainers = model.sources.filter((s) => s.explain).map((s) => s.name);
    const contributions = new Float64Array(recs.length * explainers.length);
    const itemIdx = new Int32Array(recs.length);
    const items = recs.map((r, rank) => {
      itemIdx[rank] = r.itemIdx;
      explainers.forEach((name, e) => (contributions[rank * explainers.length + e] = r.contributions[name] ?? Number.NaN));
      return { id: ids[r.itemIdx]!, score: r.score, rank };
    });
    return new ModelCandidates(items, model, hist, entries, explainers, contributions, itemIdx, titleOf);
  }

  /** "because you rated X" for a candidate of this list, or undefined when no history item explains it. */
  reason(candidate: ModelCandidate): string | undefined {
    let reason = this.reasons.get(candidate.rank);
    if (reason === undefined) {
      reason = this.explain(candidate.rank) ?? null;
      this.reasons.set(candidate.rank, reason);
    }
    return reason ?? undefined;
  }

  private explain(rank: number): string | undefined {
    const e = this.explainers.length;
    if (e === 0) return undefined;
    const contributions: Record<string, number> = {};
    for (let s = 0; s < e; s++) {
      const c = this.contributions[rank * e + s]!;
      if (!Number.isNaN(c)) contributions[this.explainers[s]!] = c;
    }
    const because = this.model.because(this.history, this.itemIdx[rank]!, contributions);
    if (!because) return undefined;
    // the first entry of that item, as a search of the history would find it
    const h = this.entries[this.history.items.indexOf(because.itemIdx)];
    const title = h && this.titleOf(h.id);
    return h && title ? `because you ${VERB[h.type]} ${title}` : undefined;
  }
}
