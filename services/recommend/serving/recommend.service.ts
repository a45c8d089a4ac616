import { LRUCache } from 'lru-cache';
import { appError } from '../../../shared/errors/index.ts';
import { userVector } from '../../embed/index.ts';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import type { StoredEvent } from '../catalog/catalog.schema.ts';
import type { Recommendation, TrainedRecommender } from '../models/trained-recommender.ts';
import { isEmptyFilter, matchesFilter, type ItemFilter } from '../ranking/item-filter.ts';
import { mmr } from '../ranking/mmr.ts';
import { fuseRrf } from '../../../shared/search/rank-fusion.ts';
import { eventWeight, EXCLUDING_EVENTS } from '../training/event-weights.ts';
import type { LiveCatalog, LiveItem } from './live-catalog.ts';
import { ModelCandidates, type HistoryEntry, type ModelCandidate } from './model-candidates.ts';
import { UserHistoryCache } from './user-history-cache.ts';
import type { SearchHit } from '../../../shared/vector-index/index.ts';

export interface RecommendedItem extends LiveItem {
  score: number;
  /** A short reason a shopper can read ("because you rated Toy Story"). */
  reason: string;
}

export interface RecommendRequest extends ItemFilter {
  k: number;
  diversity: number;
  contextItems?: string[];
}

/** What recommendations derive from one state of a user's history (and context items). */
interface UserState {
  /** Event count and newest seq: a change means a new state. */
  state: string;
  history: HistoryEntry[];
  excluded: Set<string>;
  /** The model's candidates (and the model they came from); absent until scored. */
  list?: ModelCandidates;
  model?: TrainedRecommender;
  /** What also depends on the catalog's items and vectors: valid for one catalog revision. */
  content?: ContentState;
}

/** A user state's content-based results for one catalog revision. */
interface ContentState {
  revision: number;
  /** The taste vector; undefined: none (no history item has a vector). */
  taste: Float32Array | undefined;
  /** Content neighbours of the taste vector per (depth, filters): the last few filters only. */
  neighbours: LRUCache<string, SearchHit[]>;
  /** Reasons given to items the model did not propose ("similar to X"). */
  reasons: Map<string, string>;
}

/** A key for a request's filters (and depth) among a user's cached neighbour lists. */
const filterKey = (depth: number, f: ItemFilter): string => `${depth}\u0000${f.category ?? ''}\u0000${f.min_price ?? ''}\u0000${f.max_price ?? ''}\u0000${f.in_stock ?? ''}`;

/** Weight of content neighbours (which also reach items newer than the model) against the model's list, at dense weight 1. */
const CONTENT_WEIGHT = 0.3;
/** Candidates fetched per result asked for, before filters, exclusions and diversity. */
const DEPTH = 5;
/**
 * Neighbour lists kept per user, one per (depth, filters) asked for: a shopper pages through a
 * few filters; a client sending a new price range at every request (84,000 of them grew one
 * user's lists past a gigabyte) keeps only the last ones.
 */
const NEIGHBOUR_LISTS_PER_USER = 16;
/** How long the most interacted-with items (the answer when there is no model yet) are reused. */
const POPULAR_TTL_MS = 5 * 60_000;
/** Popular items read at once, so that every k up to RECOMMEND_MAX_K is served from one read. */
const POPULAR_READ = 1000;
/** Candidates kept per user in the cache: enough for the largest k after filters. */
const CACHE_DEPTH = 100;
/** Most recent events of a user that recommendations read. */
const HISTORY_LIMIT = 500;

/**
 * Personalised recommendations and similar items: the trained blend (collaborative sources
 * plus popularity) where a model is in service, fused with content neighbours of the user's
 * taste vector (so items newer than the model are reachable), then filters, exclusion of
 * what the user bought or rated, MMR diversity, and a reason per item.
 */
export class RecommendService {
  private model: TrainedRecommender | undefined;
  /** The same model scoring by popularity alone: for users it knows nothing about. */
  private popular: TrainedRecommender | undefined;
  /**
   * Per (user, context), what one history state gives: the history as scoring reads it, the
   * excluded items, the model's unfiltered candidates and the content results. A new state
   * replaces the entry, so the cache holds one per user rather than one per state a user has
   * passed through.
   */
  private readonly candidates: LRUCache<string, UserState>;
  /** Per item index, the model's unfiltered similar items (CACHE_DEPTH of them); emptied when the model changes. */
  private readonly similarLists: LRUCache<number, Array<{ id: string; score: number }>>;
  /** The popular items last read (see popularItemIds). */
  private popularRead: { at: number; limit: number; ids: Promise<string[]> } | undefined;

  constructor(
    private readonly repo: CatalogRepository,
    private readonly catalog: LiveCatalog,
    private readonly halfLifeDays: number,
    /** Weight of content (embedding) evidence; 0 turns it off. */
    private readonly denseWeight: () => number,
    cacheSize = 10_000,
    /** Told of each candidate cache lookup (the hit-rate metric). */
    private readonly onCacheLookup: (hit: boolean) => void = () => undefined,
  ) {
    this.candidates = new LRUCache({ max: Math.max(1, cacheSize) });
    this.similarLists = new LRUCache({ max: Math.max(1, cacheSize) });
    this.cacheEnabled = cacheSize > 0;
    this.histories = new UserHistoryCache(repo, HISTORY_LIMIT, cacheSize);
  }

  private readonly histories: UserHistoryCache;

  private readonly cacheEnabled: boolean;

  /** Puts a model in service (atomic: one assignment; requests in flight finish on the old one). */
  setModel(model: TrainedRecommender | undefined): void {
    this.candidates.clear();
    this.similarLists.clear();
    this.popular = model?.sources.some((s) => s.name === 'popularity') ? model.withWeights({ popularity: 1 }) : model;
    this.model = model;
  }

  /** Drops the user's cached history and candidates (after an erasure: they hold the user id). */
  forgetUser(userId: string): void {
    this.histories.forget(userId);
    const prefix = `${userId}\u0000`;
    for (const key of [...this.candidates.keys()]) if (key.startsWith(prefix)) this.candidates.delete(key);
  }

  /** Drops every cached history and candidate list (an erasure may have been missed). */
  forgetAllUsers(): void {
    this.histories.clear();
    this.candidates.clear();
  }

  get modelLoaded(): boolean {
    return this.model !== undefined;
  }

  /** The model's best `depth` candidates for a history, not `excluded` and passing `candidate`. */
  private modelCandidates(history: readonly HistoryEntry[], excluded: ReadonlySet<string>, candidate: (id: string) => boolean, depth: number): ModelCandidates {
    return ModelCandidates.score(this.model!, this.popular!, history, { depth, excluded, candidate }, (id) => this.catalog.get(id)?.title);
  }

  private passes(filter: ItemFilter): (id: string) => boolean {
    const empty = isEmptyFilter(filter);
    return (id) => {
      const it = this.catalog.get(id);
      return it !== undefined && (empty || matchesFilter(it, filter));
    };
  }

  /** The user's derived state for this history and context: cached while neither changes. */
  private userState(userId: string, events: readonly StoredEvent[], context: readonly string[]): UserState {
    const key = `${userId}\u0000${context.join(',')}`;
    const state = `${events.length}\u0000${events.at(-1)?.seq ?? 0}`;
    const cached = this.cacheEnabled ? this.candidates.get(key) : undefined;
    if (cached?.state === state) return cached;
    const now = Date.now();
    const entry: UserState = {
      state,
      history: [...events.map((e) => ({ id: e.item_id, type: e.type, ts: e.ts, weight: eventWeight(e.type, e.value) })), ...context.map((id) => ({ id, type: 'context' as const, ts: now, weight: 1 }))],
      // what the shopper is looking at (a product page, a cart) is not offered back to them
      excluded: new Set([...events.filter((e) => EXCLUDING_EVENTS.has(e.type)).map((e) => e.item_id), ...context]),
    };
    if (this.cacheEnabled) this.candidates.set(key, entry);
    return entry;
  }

  /**
   * The user state's content results for the catalog as it is now: the taste vector
   * (recency-weighted content vectors of the history; normalised, so the moment it is computed
   * at does not change it, as every weight decays by the same factor), its neighbours and the
   * reasons, kept until the history or the catalog changes.
   */
  private contentOf(user: UserState): ContentState {
    const revision = this.catalog.revision;
    if (user.content?.revision === revision) return user.content;
    const taste = userVector(
      user.history.flatMap((h) => {
        const v = this.catalog.vector(h.id);
        return v ? [{ vector: v, timestamp: h.ts, weight: h.type === 'context' ? 3 : h.weight }] : [];
      }),
      { halfLifeDays: this.halfLifeDays },
    );
    user.content = { revision, taste, neighbours: new LRUCache({ max: NEIGHBOUR_LISTS_PER_USER }), reasons: new Map() };
    return user.content;
  }

  /** Content neighbours of the taste vector passing `candidate` (the request's filters, not excluded), cached per filters. */
  private async neighbours(content: ContentState, depth: number, filter: ItemFilter, candidate: (id: string) => boolean): Promise<SearchHit[]> {
    const key = filterKey(depth, filter);
    let hits = content.neighbours.get(key);
    if (!hits) {
      hits = await this.catalog.nearest(content.taste!, depth, candidate);
      // kept only if the catalog did not change while it searched
      if (this.catalog.revision === content.revision) content.neighbours.set(key, hits);
    }
    return hits;
  }

  async forUser(userId: string, req: RecommendRequest): Promise<{ items: RecommendedItem[]; strategy: 'personal' | 'context' | 'popular' }> {
    const events = await this.histories.get(userId);
    const context = req.contextItems ?? [];
    for (const id of context) if (!this.catalog.get(id)) throw await this.notIndexed(id, `context item "${id}"`);
    const user = this.userState(userId, events, context);
    const { history, excluded } = user;
    const pass = this.passes(req);
    const candidate = (id: string) => !excluded.has(id) && pass(id);
    const depth = req.k * DEPTH;
    const strategy = events.length > 0 ? 'personal' : context.length > 0 ? 'context' : 'popular';

    // the collaborative blend, when a model is in service: its unfiltered list is cached per
    // user and history state, and filters are applied to the cached list
    const lists: Array<Array<{ id: string; score: number }>> = [];
    // the model's candidates in the fused lists, and the list that explains them
    const fromModel = new Map<string, ModelCandidate>();
    let explained: ModelCandidates | undefined;
    const dense = this.denseWeight();
    const model = this.model;
    if (model) {
      let cached = user.model === model ? user.list : undefined;
      if (this.cacheEnabled) this.onCacheLookup(cached !== undefined);
      if (!cached) {
        cached = this.modelCandidates(history, excluded, (id) => this.catalog.get(id) !== undefined, CACHE_DEPTH);
        user.list = cached;
        user.model = model;
      }
      explained = cached;
      let list: ModelCandidate[] = [];
      for (const c of cached.items) {
        if (list.length === depth) break;
        if (candidate(c.id)) list.push(c);
      }
      // a narrow filter can empty the cached list: then score with the filter itself
      if (list.length < req.k && cached.items.length === CACHE_DEPTH) {
        explained = this.modelCandidates(history, excluded, pass, depth);
        list = [...explained.items];
      }
      lists.push(list);
      for (const c of list) fromModel.set(c.id, c);
    }
    // content neighbours of the taste vector
    const content = dense <= 0 ? undefined : this.contentOf(user);
    const taste = content?.taste;
    if (content && taste) lists.push(await this.neighbours(content, depth, req, candidate));
    if (lists.length === 0) {
      // no model yet and nothing to go on: what is most interacted with
      const ids = (await this.popularItemIds(depth * 2)).filter(candidate);
      lists.push(ids.map((id, i) => ({ id, score: 1 / (i + 1) })));
    }
    const fused = fuseRrf(lists, depth, 60, lists.length === 2 ? [1, CONTENT_WEIGHT * dense] : [1]);
    const picked = mmr(
      // vectors only matter to diversity
      fused.map((f) => ({ ...f, vector: req.diversity > 0 ? this.catalog.vector(f.id) : undefined })),
      req.k,
      req.diversity,
    );
    const shown = (p: { id: string; score: number }): RecommendedItem[] => {
      const it = this.catalog.get(p.id);
      if (!it) return [];
      const c = fromModel.get(p.id);
      const because = c && explained?.reason(c);
      return [{ ...it, score: p.score, reason: because ?? this.reasonWithout(content, it, strategy, user.history) }];
    };
    const items = picked.flatMap(shown);
    return { items, strategy };
  }

  /**
   * The reason for an item the model did not propose: the history item closest in content
   * ("similar to X"), else its popularity. Reading the whole history per item, so kept with
   * the user's content results.
   */
  private reasonWithout(content: ContentState | undefined, item: LiveItem, strategy: string, history: readonly HistoryEntry[]): string {
    if (strategy === 'popular' || !content?.taste) return item.category ? `popular in ${item.category}` : 'popular right now';
    let reason = content.reasons.get(item.id);
    if (reason === undefined) {
      reason = this.closestInHistory(item, history);
      content.reasons.set(item.id, reason);
    }
    return reason;
  }

  private closestInHistory(item: LiveItem, history: readonly HistoryEntry[]): string {
    const v = this.catalog.vector(item.id);
    let best: HistoryEntry | undefined;
    let bestSim = -Infinity;
    for (const h of history) {
      const hv = this.catalog.vector(h.id);
      if (!v || !hv) continue;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i]! * hv[i]!;
      if (s > bestSim) {
        bestSim = s;
        best = h;
      }
    }
    const title = best && this.catalog.get(best.id)?.title;
    return title ? `similar to ${title}` : item.category ? `popular in ${item.category}` : 'popular right now';
  }

  /**
   * The most interacted-with items, read from the events at most every POPULAR_TTL_MS: with no
   * model in service every request falls back to them, and the read groups every event (4 s at
   * 2.2 million, the event loop held meanwhile). An empty answer is not kept.
   */
  private async popularItemIds(limit: number): Promise<string[]> {
    const now = Date.now();
    let read = this.popularRead;
    if (!read || now - read.at > POPULAR_TTL_MS || read.limit < limit) {
      const want = Math.max(limit, POPULAR_READ);
      read = { at: now, limit: want, ids: this.repo.popularItemIds(want) };
      this.popularRead = read;
      const mine = read;
      mine.ids.then(
        (ids) => ids.length === 0 && this.popularRead === mine && (this.popularRead = undefined),
        () => this.popularRead === mine && (this.popularRead = undefined),
      );
    }
    return (await read.ids).slice(0, limit);
  }

  /**
   * The error for an item missing from the index: ITEM_NOT_INDEXED when the database has it (a
   * new item is indexed a moment after its write is acknowledged), else ITEM_NOT_FOUND.
   */
  private async notIndexed(id: string, what: string) {
    if (await this.repo.getItem(id)) return appError('ITEM_NOT_INDEXED', `${what} is stored but not indexed yet; retry in a moment`, { id });
    return appError('ITEM_NOT_FOUND', `${what} is not in the catalog`, { id });
  }

  /**
   * The model's items like `idx` that pass `candidate`, best first: read from its unfiltered
   * list, kept per item while the model serves (scoring one means scoring the whole catalog), or,
   * when a narrow filter leaves fewer than `k` there, scored with the filter itself.
   */
  private modelSimilar(model: TrainedRecommender, idx: number, k: number, depth: number, candidate: (id: string) => boolean): Array<{ id: string; score: number }> {
    const toList = (rs: readonly Recommendation[]) => rs.map((r) => ({ id: model.itemIds[r.itemIdx]!, score: r.score }));
    let cached = this.cacheEnabled ? this.similarLists.get(idx) : undefined;
    if (!cached) {
      cached = toList(model.similar(idx, CACHE_DEPTH, { explain: false }));
      if (this.cacheEnabled) this.similarLists.set(idx, cached);
    }
    const list: Array<{ id: string; score: number }> = [];
    for (const c of cached) {
      if (list.length === depth) break;
      if (candidate(c.id)) list.push(c);
    }
    if (list.length >= k || cached.length < CACHE_DEPTH) return list;
    return toList(model.similar(idx, depth, { explain: false, candidateFilter: (i) => candidate(model.itemIds[i]!) }));
  }

  /** Items like `itemId`: the model's item-to-item view fused with content neighbours. */
  async similar(itemId: string, k: number, filter: ItemFilter): Promise<RecommendedItem[]> {
    const source = this.catalog.get(itemId);
    if (!source) throw await this.notIndexed(itemId, `item "${itemId}"`);
    const pass = this.passes(filter);
    const candidate = (id: string) => id !== itemId && pass(id);
    const depth = k * DEPTH;
    const lists: Array<Array<{ id: string; score: number }>> = [];
    const model = this.model;
    const idx = model?.itemIndex(itemId);
    if (model && idx !== undefined) lists.push(this.modelSimilar(model, idx, k, depth, candidate));
    const weights = lists.map(() => 1);
    const v = this.catalog.vector(itemId);
    const dense = this.denseWeight();
    if (v && dense > 0) {
      lists.push(await this.catalog.nearest(v, depth + 1, candidate));
      weights.push(0.5 * dense);
    }
    // words in common: meaningful with any encoder, and the only signal for an item newer than the model
    lists.push(this.catalog.lexical.search(`${source.title} ${source.category ?? ''}`, depth + 1, candidate));
    weights.push(lists.length === 1 ? 1 : 0.1);
    return fuseRrf(lists, k, 60, weights).flatMap((f) => {
      const it = this.catalog.get(f.id);
      return it ? [{ ...it, score: f.score, reason: `similar to ${source.title}` }] : [];
    });
  }
}
