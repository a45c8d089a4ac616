// Runs in a job thread (see shared/queues/run-in-thread.ts): trains the recommender from the
// database into the registry. Arguments and result cross threads, so both are plain data.
import type { Config } from '../../../shared/config/index.ts';
import { ModelRegistry } from '../../../shared/registry/index.ts';
import { openDatabase } from '../../../shared/storage/index.ts';
import { catalogMigrations } from '../catalog/catalog.migrations.ts';
import { CatalogRepository } from '../catalog/catalog.repository.ts';
import { registryRoot } from '../create-recommend.ts';
import { trainFromCatalog } from '../training/train-from-catalog.ts';

export interface TrainRecommendArgs {
  /** The validated configuration of the process that runs the job (plain data: it is cloned). */
  config: Config;
  seed?: number;
  tune?: boolean;
}

export interface TrainRecommendResult {
  version: string;
  promoted: boolean;
  metric: number;
  currentMetric: number | null;
  /** How the model in service was measured: its recipe on the candidate's validation users, or its own recorded figure. */
  comparedOn: 'same-users' | 'own-data' | null;
  /** Why it was rejected, when it was. */
  note?: string;
  /** Older versions deleted after the decision (REGISTRY_KEEP_VERSIONS). */
  pruned: string[];
  /** Everything the candidate's manifest records (validation metrics, data sizes). */
  metrics: Record<string, number>;
  seconds: number;
}

export async function trainRecommendTask(args: TrainRecommendArgs, progress: (m: string) => void): Promise<TrainRecommendResult> {
  const config = args.config;
  const db = openDatabase(config);
  try {
    await db.migrate(catalogMigrations);
    const r = await trainFromCatalog(new CatalogRepository(db), new ModelRegistry(registryRoot(config)), {
      seed: args.seed,
      tune: args.tune,
      tolerance: config.PROMOTE_TOLERANCE,
      itemFeatures: config.RECOMMEND_ITEM_FEATURES,
      searchFolds: config.RECOMMEND_SEARCH_FOLDS,
      easeMaxItems: config.RECOMMEND_EASE_MAX_ITEMS,
      keepVersions: config.REGISTRY_KEEP_VERSIONS,
      onProgress: progress,
    });
    return { version: r.version.manifest.version, promoted: r.promoted, metric: r.metric, currentMetric: r.currentMetric ?? null, comparedOn: r.comparedOn ?? null, ...(r.note ? { note: r.note } : {}), pruned: r.pruned, metrics: r.version.manifest.metrics, seconds: r.seconds };
  } finally {
    await db.close();
  }
}
