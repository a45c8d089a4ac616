import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FolderFile } from '../../../shared/fs/write-folder-atomically.ts';
import { appError } from '../../../shared/errors/index.ts';
import type { ModelRegistry, ModelVersion } from '../../../shared/registry/index.ts';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import type { Interaction } from '../models/interaction-matrix.ts';
import { recommenderFromBuffers, recommenderToBuffers, type RecommenderManifest } from '../models/recommender-artifact.ts';
import { recipeOf, type RecommenderRecipe } from '../models/recommender-recipe.ts';
import { trainRecommender, type TrainRecommenderOptions } from '../models/train-recommender.ts';
import type { TrainedRecommender } from '../models/trained-recommender.ts';
import { eventWeight } from './event-weights.ts';
import { DEFAULT_ITEM_FEATURES, itemSideFeatures } from './item-side-features.ts';

export const RECOMMEND_KIND = 'recommend';
const MODEL_MANIFEST = 'recommender.json';

export interface TrainOutcome {
  version: ModelVersion;
  promoted: boolean;
  /** Validation nDCG@10 of the candidate. */
  metric: number;
  /**
   * Validation nDCG@10 of the model in service: its recipe on the candidate's validation users
   * (`comparedOn: 'same-users'`), or, when its recipe cannot be read, the figure it recorded on
   * the data it was trained on (`'own-data'`).
   */
  currentMetric: number | undefined;
  comparedOn: 'same-users' | 'own-data' | undefined;
  /** Why it was rejected, when it was. */
  note?: string;
  /** Older versions deleted after the decision (`keepVersions`). */
  pruned: string[];
  seconds: number;
}

/**
 * Trains the recommender on everything in the catalog, stores it in the registry as a
 * candidate, and promotes it unless it measures worse (validation nDCG@10, tolerance
 * `tolerance`) than the version in service. Both are measured on the same validation users: the
 * recipe in service (parameters and weights) is trained again on the candidate's validation
 * splits. Comparing with the figure the version in service recorded when it was trained would
 * compare different data: that figure drifts by more than the tolerance as events arrive or
 * are erased, and a lucky one would then keep every later candidate out of service.
 * @example const { promoted } = await trainFromCatalog(repo, registry, { onProgress: console.error })
 */
export async function trainFromCatalog(
  repo: CatalogRepository,
  registry: ModelRegistry,
  opts: TrainRecommenderOptions & {
    tolerance?: number;
    /** Item fields (`category` or attribute names) whose values are side features. @defaultValue DEFAULT_ITEM_FEATURES */
    itemFeatures?: readonly string[];
    /** Versions kept after the decision (see ModelRegistry.prune); 0 or absent keeps all. */
    keepVersions?: number;
  } = {},
): Promise<TrainOutcome> {
  const started = performance.now();
  const say = opts.onProgress ?? (() => undefined);
  const readAt = Date.now();
  const [items, events] = await Promise.all([repo.allItems(), repo.allEvents()]);
  if (events.length === 0) throw appError('RECOMMENDER_NO_INTERACTIONS', 'there are no events to train on yet');
  say(`training on ${events.length} events over ${items.length} items`);
  // unreadable (a damaged CURRENT file or manifest): trained with no baseline, so that the new version can repair the registry
  const inService = await registry.currentIfReadable(RECOMMEND_KIND, (err) => say(`the version in service cannot be read (${err instanceof Error ? err.message : String(err)}); training without comparing with it`));
  const baseline = inService ? await readRecipe(inService, say) : undefined;
  // read once, into the interaction matrix: made one at a time rather than as a second array as long as the events
  const interactions = (function* (): Generator<Interaction> {
    for (const e of events) yield { userId: e.user_id, itemId: e.item_id, weight: eventWeight(e.type, e.value), timestamp: Math.floor(e.ts / 1000) };
  })();
  const model = trainRecommender(interactions, itemSideFeatures(items, opts.itemFeatures ?? DEFAULT_ITEM_FEATURES), { ...opts, ...(baseline ? { baseline } : {}) });
  const metric = model.report.validation?.blend ?? 0;
  const baselineMetric = model.report.validation?.baseline;
  const { manifest, files } = recommenderToBuffers(model);
  const folder: FolderFile[] = [
    { path: MODEL_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) },
    ...Object.entries(files).map(([p, data]) => ({ path: p, data })),
  ];
  const fingerprint = createHash('sha256')
    .update(`${events.length}:${events.at(-1)?.seq}:${items.length}`)
    .digest('hex')
    .slice(0, 16);
  const version = await registry.publish(RECOMMEND_KIND, folder, {
    metrics: { ndcg_at_10: metric, ...(baselineMetric === undefined ? {} : { in_service_ndcg_at_10: baselineMetric }) },
    data: {
      events: events.length,
      items: items.length,
      last_event_seq: events.at(-1)?.seq ?? 0,
      fingerprint,
      read_at: readAt,
      ...(baselineMetric === undefined ? {} : { compared_with: inService!.manifest.version }),
    },
    report: model.report,
  });
  // Decided under the registry's lock. Another training may have promoted a version meanwhile:
  // the baseline then measured the wrong one, and one that read newer data than this one wins.
  const tolerance = opts.tolerance ?? 0.005;
  let currentMetric: number | undefined;
  let comparedOn: TrainOutcome['comparedOn'];
  const { promoted, note } = await registry.decide(RECOMMEND_KIND, version.manifest.version, (current) => {
    const sameUsers = baselineMetric !== undefined && current?.manifest.version === inService?.manifest.version;
    currentMetric = sameUsers ? baselineMetric : current?.manifest.metrics.ndcg_at_10;
    comparedOn = currentMetric === undefined ? undefined : sameUsers ? 'same-users' : 'own-data';
    if (currentMetric === undefined || metric >= currentMetric - tolerance) return { promote: true };
    const against = sameUsers ? `${current!.manifest.version}'s recipe on the same validation users` : `${current!.manifest.version} on its own data`;
    return { promote: false, note: `validation nDCG@10 ${metric.toFixed(4)} is more than ${tolerance} below ${currentMetric.toFixed(4)}, ${against}` };
  });
  const pruned = opts.keepVersions ? await registry.prune(RECOMMEND_KIND, { keep: opts.keepVersions }) : [];
  if (pruned.length > 0) say(`deleted ${pruned.length} older version(s) (REGISTRY_KEEP_VERSIONS ${opts.keepVersions}): ${pruned.join(', ')}`);
  return { version, promoted, metric, currentMetric, comparedOn, ...(note ? { note } : {}), pruned, seconds: (performance.now() - started) / 1000 };
}

/** The recipe of a stored recommender version, or undefined (logged) when it has none to read. */
async function readRecipe(version: ModelVersion, say: (message: string) => void): Promise<RecommenderRecipe | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(version.dir, MODEL_MANIFEST), 'utf8')) as RecommenderManifest;
    return recipeOf(manifest);
  } catch (err) {
    say(`the recipe of ${version.manifest.version} in service cannot be read (${(err as Error).message}): comparing with the figure it recorded`);
    return undefined;
  }
}

/** Loads the recommender of a registry version. */
export async function loadRecommender(version: ModelVersion): Promise<TrainedRecommender> {
  const manifest = JSON.parse(await readFile(path.join(version.dir, MODEL_MANIFEST), 'utf8')) as RecommenderManifest;
  const files: Record<string, Uint8Array> = {};
  const names = [manifest.itemIdsFile, ...manifest.sources.flatMap((s) => s.arrays.map((a) => a.file))];
  for (const name of names) files[name] = await readFile(path.join(version.dir, name));
  return recommenderFromBuffers(manifest, files);
}
