import path from 'node:path';
import type { Config } from '../../shared/config/index.ts';
import type { ApiRoutes } from '../../shared/http/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { MetricsRegistry } from '../../shared/metrics/index.ts';
import type { PersonalDataSource } from '../../shared/privacy/index.ts';
import { ModelRegistry, UNREADABLE_CURRENT } from '../../shared/registry/index.ts';
import type { SqlDatabase } from '../../shared/storage/index.ts';
import type { EmbedService } from '../embed/index.ts';
import { catalogMigrations } from './catalog/catalog.migrations.ts';
import { CatalogRepository } from './catalog/catalog.repository.ts';
import { catalogRouter } from './catalog/catalog.routes.ts';
import { CatalogService } from './catalog/catalog.service.ts';
import { eventsPersonalData } from './catalog/events-personal-data.ts';
import { ItemEmbedder } from './embedding/item-embedder.ts';
import { ItemVectorRepository, itemVectorMigrations } from './embedding/item-vector.repository.ts';
import { LiveCatalog } from './serving/live-catalog.ts';
import { RecommendService } from './serving/recommend.service.ts';
import { SearchService } from './serving/search.service.ts';
import { servingRouter } from './serving/serving.routes.ts';
import { loadRecommender, RECOMMEND_KIND } from './training/train-from-catalog.ts';

export interface RecommendModule {
  repository: CatalogRepository;
  catalog: CatalogService;
  live: LiveCatalog;
  recommend: RecommendService;
  search: SearchService;
  registry: ModelRegistry;
  /** A user's events (and this process's cache of their candidates), for export and erasure. */
  personalData: PersonalDataSource;
  /** Its routes, each with its OpenAPI operation. */
  routers: ApiRoutes[];
  /** True once the live catalog is built. */
  readonly ready: boolean;
  /** The recommender version in service in this process. */
  readonly modelVersion: string | undefined;
  /** Migrates, loads the model in service and builds the live catalog (needs the encoder). */
  start(): Promise<void>;
  /** Loads the registry's current recommender, if it changed. */
  reloadModel(): Promise<string | undefined>;
  /** Rebuilds the live catalog from every stored item (after an import or a `rebuild-index` job). */
  reloadCatalog(): Promise<void>;
  /**
   * Takes in catalog changes another process made (announced by `embed-items` or a delete):
   * re-reads the items (with their stored vectors) and drops the ones gone.
   */
  applyCatalogChange(change: { upserted: readonly string[]; removed: readonly string[] }): Promise<void>;
}

/** How catalog changes made here reach the other processes (the queue and the signals). */
export interface CatalogAnnouncer {
  itemsUpserted(ids: string[]): Promise<void>;
  itemsRemoved(ids: string[]): Promise<void>;
}

/** Registry root under the data folder. */
export function registryRoot(config: Config): string {
  return path.resolve(config.AFFINITY_DATA_DIR, 'registry');
}

/**
 * Builds the recommend service: catalog and events over the database, the live catalog
 * (embeddings, vector and BM25 indexes), recommendations, similar items and search.
 */
export function createRecommend(config: Config, deps: { db: SqlDatabase; embed: EmbedService; log: Logger; announce?: CatalogAnnouncer; metrics?: MetricsRegistry }): RecommendModule {
  const log = deps.log.child({ module: 'recommend' });
  const repository = new CatalogRepository(deps.db);
  const catalog = new CatalogService(repository, { maxItemsPerBatch: config.CATALOG_MAX_BATCH, maxEventsPerBatch: config.EVENTS_MAX_BATCH, maxFutureSkewMs: config.EVENTS_MAX_FUTURE_SECONDS * 1000 });
  const vectors = new ItemVectorRepository(deps.db);
  // dense evidence counts unless the encoder itself says its weights are random
  const denseWeight = () => (config.DENSE_WEIGHT === 'auto' ? (deps.embed.info?.randomWeights ? 0 : 1) : config.DENSE_WEIGHT);
  const live = new LiveCatalog(new ItemEmbedder(deps.embed, config.ITEM_TEXT_TEMPLATE, vectors), log, () => denseWeight() > 0);
  const cacheLookups = deps.metrics?.counter({ name: 'affinity_recommend_cache_lookups_total', help: "Lookups of the recommender's per-user candidate cache", labelNames: ['result'] });
  for (const result of ['hit', 'miss']) cacheLookups?.inc({ result }, 0);
  const recommend = new RecommendService(repository, live, config.RECOMMEND_HALF_LIFE_DAYS, denseWeight, config.RECOMMEND_CACHE_SIZE, (hit) => cacheLookups?.inc({ result: hit ? 'hit' : 'miss' }));
  const search = new SearchService(live, deps.embed, { lexical: 1, dense: denseWeight });
  const registry = new ModelRegistry(registryRoot(config));
  let ready = false;
  let modelVersion: string | undefined;

  // fresh items become searchable and recommendable here as soon as they are embedded, and in
  // every other serving process once the `embed-items` job announces them. The job is queued
  // once this process has embedded and stored their vectors (or failed to), so that the worker
  // finds them stored rather than embedding the same batch at the same time.
  catalog.subscribe({
    itemsUpserted: (items) => {
      const ids = items.map((i) => i.id);
      // the revision before the read: a DELETE landing while the items are embedded wins
      const since = live.revision;
      void repository
        .getItems(ids)
        .then((stored) => live.upsert(stored, since))
        .catch((err: unknown) => log.error({ err }, 'could not index upserted items'))
        .then(() => deps.announce?.itemsUpserted(ids))
        .catch((err: unknown) => log.warn({ err, items: ids.length }, 'could not queue embed-items; other processes see the items after their next index rebuild'));
    },
    itemDeleted: (id) => {
      void live.remove(id).catch((err: unknown) => log.error({ err, id }, 'could not drop a deleted item from the index'));
      void vectors.remove(id).catch((err: unknown) => log.error({ err, id }, 'could not delete the stored vectors of a deleted item'));
      deps.announce?.itemsRemoved([id]).catch((err: unknown) => log.warn({ err, id }, 'could not announce a deleted item; other processes drop it at their next index rebuild'));
    },
  });

  /** Rebuilds the catalog index from every stored item (a change landing meanwhile wins). */
  const reloadCatalog = async (): Promise<void> => {
    const since = live.revision;
    await live.load(await repository.allItems(), since);
  };

  const applyCatalogChange = async (change: { upserted: readonly string[]; removed: readonly string[] }): Promise<void> => {
    const ids = [...new Set([...change.upserted, ...change.removed])];
    const since = live.revision;
    // the database decides: an item removed and then re-created is kept, one gone is dropped
    const present = await repository.getItems(ids);
    const kept = new Set(present.map((i) => i.id));
    await live.upsert(present, since);
    for (const id of ids) if (!kept.has(id) && live.get(id) && !live.changedSince(id, since)) await live.remove(id);
  };

  /**
   * Serves the registry's current recommender; a version whose files fail their checksums (or
   * do not load) is refused with a log line, and the newest earlier usable version serves.
   */
  const reloadModel = async (): Promise<string | undefined> => {
    // a damaged CURRENT file or manifest is not "nothing to serve": loadServable falls back
    const current = await registry.currentName(RECOMMEND_KIND).catch(() => UNREADABLE_CURRENT);
    if (!current || current === modelVersion) return modelVersion;
    const found = await registry.loadServable(RECOMMEND_KIND, loadRecommender, (version, err) =>
      log.error({ version, err: err instanceof Error ? err.message : String(err) }, `refusing recommender ${version}`),
    );
    if (!found) {
      log.error({ current, serving: modelVersion ?? null }, 'no usable recommender version; keeping what is served');
      return modelVersion;
    }
    if (found.version.manifest.version === modelVersion) return modelVersion;
    recommend.setModel(found.model);
    modelVersion = found.version.manifest.version;
    if (found.fallback) log.warn({ current, version: modelVersion }, `the current recommender is unusable; serving ${modelVersion}`);
    log.info({ version: modelVersion, metrics: found.version.manifest.metrics }, 'recommender in service');
    return modelVersion;
  };

  return {
    repository,
    catalog,
    live,
    recommend,
    search,
    registry,
    personalData: eventsPersonalData(repository, (userId) => recommend.forgetUser(userId)),
    routers: [catalogRouter(catalog), servingRouter(recommend, search, { maxK: config.RECOMMEND_MAX_K, defaultK: config.RECOMMEND_DEFAULT_K }, () => ready)],
    get ready() {
      return ready;
    },
    get modelVersion() {
      return modelVersion;
    },
    async start() {
      await deps.db.migrate([...catalogMigrations, ...itemVectorMigrations]);
      await reloadModel().catch((err: unknown) => log.error({ err }, 'the recommender in the registry could not be loaded; serving without it'));
      await reloadCatalog();
      ready = true;
    },
    reloadModel,
    reloadCatalog,
    applyCatalogChange,
  };
}
