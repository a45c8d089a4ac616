import { InteractionMatrix } from '../../services/recommend/models/interaction-matrix.ts';
import { seededRandom } from '../../services/recommend/models/seeded-random.ts';
import { trainRecommender } from '../../services/recommend/models/train-recommender.ts';
import { itemSideFeatures } from '../../services/recommend/training/item-side-features.ts';
import { syntheticShop, type SyntheticShopOptions } from './synthetic-shop.ts';

export interface TrainBenchOptions extends SyntheticShopOptions {
  /** Tune parameters and weights (as `affinity train recommend`), or not (`--no-tune`). */
  tune: boolean;
  /** Recommendation and similar-item calls timed on the trained model. */
  requests: number;
  progress: (line: string) => void;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function latency(ms: number[]): { mean: number; p50: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { mean: round(ms.reduce((a, b) => a + b, 0) / Math.max(ms.length, 1)), p50: round(at(0.5)), p99: round(at(0.99)) };
}

/**
 * The recommender's training and scoring at a catalog size MovieLens does not reach: a seeded
 * synthetic shop (bench/train/synthetic-shop.ts), trained by the same `trainRecommender` that
 * `affinity train recommend` calls (with the category as side feature, as the catalog gives
 * it), then single-threaded calls of the trained model: a user's recommendations and an item's
 * similar items. Reads no database and serves no HTTP: those are `bench api`'s.
 */
export async function runTrainBench(o: TrainBenchOptions) {
  const t0 = performance.now();
  const shop = syntheticShop(o);
  const items = itemSideFeatures(shop.itemIds.map((id, i) => ({ id, category: shop.categories[i]! })), ['category']);
  o.progress(`generated ${o.events} events of ${o.users} users over ${o.items} items in ${round((performance.now() - t0) / 1000, 1)} s`);

  const t1 = performance.now();
  const model = trainRecommender(shop.interactions, items, { tune: o.tune, seed: o.seed, onProgress: (m) => o.progress(`  ${m}`) });
  const trainSeconds = (performance.now() - t1) / 1000;
  o.progress(`trained in ${round(trainSeconds, 1)} s`);

  const matrix = InteractionMatrix.fromInteractions(shop.interactions, { itemIds: shop.itemIds });
  const rng = seededRandom(o.seed + 1);
  const recommendMs: number[] = [];
  const similarMs: number[] = [];
  for (let r = 0; r < o.requests; r++) {
    const history = matrix.history(Math.floor(rng.next() * matrix.numUsers));
    let t = performance.now();
    model.recommend(history, 10);
    recommendMs.push(performance.now() - t);
    const item = Math.floor(rng.next() * matrix.numItems);
    t = performance.now();
    model.similar(item, 10);
    similarMs.push(performance.now() - t);
  }
  const report = model.report;
  return {
    items: o.items,
    users: matrix.numUsers,
    interactions: matrix.nnz,
    tuned: o.tune,
    train_seconds: round(trainSeconds, 1),
    validation_seconds: round(report.tuningSeconds, 1),
    final_train_seconds: Object.fromEntries(Object.entries(report.trainSeconds).map(([k, v]) => [k, round(v)])),
    weights: model.weightsByName(),
    validation_ndcg_at_10: report.validation ? round(report.validation.blend, 4) : undefined,
    recommend_ms: latency(recommendMs),
    similar_ms: latency(similarMs),
    requests: o.requests,
  };
}
