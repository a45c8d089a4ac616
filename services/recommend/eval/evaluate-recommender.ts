import type { Interaction } from '../models/interaction-matrix.ts';
import { trainRecommender, type TrainRecommenderOptions } from '../models/train-recommender.ts';
import type { TrainedRecommender } from '../models/trained-recommender.ts';
import { historyOf } from '../models/user-history.ts';
import type { MovieLensData, MovieLensRating } from './movielens.ts';
import { rankingMetrics, type RankedUser } from './ranking-metrics.ts';
import { stratifiedSplit } from './stratified-split.ts';
import { movieLensItems } from '../catalog/import-movielens.ts';
import { itemSideFeatures } from '../training/item-side-features.ts';
import { eventWeight } from '../training/event-weights.ts';

export interface ModelFigures {
  map: number;
  ndcg: number;
  precision: number;
  recall: number;
  trainSeconds: number;
}

export interface EvaluationReport {
  protocol: {
    name: string;
    split: string;
    ratio: number;
    seed: number;
    k: number;
    relevance: string;
    map: string;
    users: number;
    trainRatings: number;
    testRatings: number;
  };
  /** Each source alone (trained once, inside the blend's training) and the blend ('blend'). */
  models: Record<string, ModelFigures>;
  /** Name of the model with the best nDCG@k. */
  best: string;
  model: TrainedRecommender;
  seconds: number;
}

export interface EvaluateOptions {
  /** Seed of the 75/25 split (NumPy's generator, as python_stratified_split). @defaultValue 42 */
  seed?: number;
  /** @defaultValue 10 */
  k?: number;
  /** @defaultValue 0.75 */
  ratio?: number;
  /** Give the recommender the items' side features (the genres), as training from the catalog does. @defaultValue true */
  genreVectors?: boolean;
  /** Item fields used as side features (RECOMMEND_ITEM_FEATURES). @defaultValue DEFAULT_ITEM_FEATURES */
  itemFeatures?: readonly string[];
  training?: Omit<TrainRecommenderOptions, 'onProgress'>;
  onProgress?: (message: string) => void;
}

/**
 * The Microsoft Recommenders MovieLens protocol: every rating is an interaction; a per-user
 * stratified random split (`python_stratified_split`, ratio 0.75, seeded) into train and test;
 * the recommender is trained (and tuned, on a validation split carved from the training part
 * only) on train; each test user gets k items excluding their training items; MAP, nDCG@k,
 * precision@k and recall@k over the test users, as `python_evaluation.py` computes them.
 *
 * @example const report = evaluateRecommender(readMovieLens(dir), { seed: 42 });
 */
export function evaluateRecommender(data: MovieLensData, options: EvaluateOptions = {}): EvaluationReport {
  const t0 = performance.now();
  const seed = options.seed ?? 42;
  const k = options.k ?? 10;
  const ratio = options.ratio ?? 0.75;
  const say = options.onProgress ?? (() => {});
  const { train, test } = stratifiedSplit(data.ratings, (r) => r.userId, { ratio, seed });
  say(`split: ${train.length} training and ${test.length} test ratings (seed ${seed})`);

  const itemIds = data.items.length ? data.items.map((i) => i.id) : [...new Set(data.ratings.map((r) => r.itemId))];
  // the side features `affinity train recommend` gives the served model, from the items as `affinity import movielens` stores them
  const catalogue = data.items.length && (options.genreVectors ?? true) ? itemSideFeatures(movieLensItems(data), options.itemFeatures) : { itemIds };
  const model = trainRecommender(train.map(asInteraction), catalogue, { seed, k, ...options.training, onProgress: say });

  const histories = groupByUser(train);
  const relevant = new Map<string, Set<number>>();
  for (const r of test) {
    const i = model.itemIndex(r.itemId);
    if (i === undefined) continue;
    let set = relevant.get(r.userId);
    if (!set) relevant.set(r.userId, (set = new Set()));
    set.add(i);
  }
  const names = [...model.sources.map((s) => s.name), 'blend'];
  const models: Record<string, ModelFigures> = {};
  for (const name of names) {
    const view = name === 'blend' ? model : model.withWeights({ [name]: 1 });
    const users: RankedUser[] = [];
    for (const [user, rel] of relevant) {
      const rows = histories.get(user) ?? [];
      const items = rows.map((r) => model.itemIndex(r.itemId)).filter((i): i is number => i !== undefined);
      const history = historyOf(items, rows.map((r) => eventWeight('rating', r.rating)), rows.map((r) => r.timestamp));
      users.push({ recommended: view.recommend(history, k).map((x) => x.itemIdx), relevant: rel });
    }
    const m = rankingMetrics(users, k);
    const trainSeconds = name === 'blend' ? model.report.totalSeconds : (model.report.trainSeconds[name] ?? 0);
    models[name] = { map: m.map, ndcg: m.ndcgAtK, precision: m.precisionAtK, recall: m.recallAtK, trainSeconds };
    say(`${name}: MAP ${m.map.toFixed(4)} nDCG@${k} ${m.ndcgAtK.toFixed(4)} P@${k} ${m.precisionAtK.toFixed(4)} R@${k} ${m.recallAtK.toFixed(4)}`);
  }
  const best = names.reduce((a, b) => (models[b]!.ndcg > models[a]!.ndcg ? b : a));
  return {
    protocol: {
      name: 'Microsoft Recommenders MovieLens ranking benchmark',
      split: 'python_stratified_split(filter_by="user", min_rating=1), NumPy-seeded, reproduced row for row',
      ratio,
      seed,
      k,
      relevance: 'binary: every held-out rating of the user',
      map: 'their `map`: sum of precision at each hit / number of relevant items',
      users: relevant.size,
      trainRatings: train.length,
      testRatings: test.length,
    },
    models,
    best,
    model,
    seconds: (performance.now() - t0) / 1000,
  };
}

function asInteraction(r: MovieLensRating): Interaction {
  return { userId: r.userId, itemId: r.itemId, weight: eventWeight('rating', r.rating), timestamp: r.timestamp };
}

function groupByUser(rows: readonly MovieLensRating[]): Map<string, MovieLensRating[]> {
  const m = new Map<string, MovieLensRating[]>();
  for (const r of rows) {
    let list = m.get(r.userId);
    if (!list) m.set(r.userId, (list = []));
    list.push(r);
  }
  return m;
}

