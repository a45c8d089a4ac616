export { createRecommend, registryRoot, type RecommendModule } from './create-recommend.ts';
export { trainFromCatalog, loadRecommender, RECOMMEND_KIND, type TrainOutcome } from './training/train-from-catalog.ts';
export { importMovieLens } from './catalog/import-movielens.ts';
export { catalogMigrations } from './catalog/catalog.migrations.ts';
export { CatalogRepository } from './catalog/catalog.repository.ts';
export { trainRecommendJob } from './jobs/train-recommend.job.ts';
export { rebuildIndexJob } from './jobs/rebuild-index.job.ts';
export { nightlyJob } from './jobs/nightly.job.ts';
