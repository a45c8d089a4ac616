import type { Params } from './coordinate-search.ts';
import type { RecommenderManifest } from './recommender-artifact.ts';
import { SOURCE_NAMES, type SourceName } from './source-registry.ts';

/**
 * What a trained recommender was made with, enough to train it again on other data: each
 * source's hyper-parameters and blend weight. A source the recipe lacks weighs 0.
 */
export interface RecommenderRecipe {
  params: Partial<Record<SourceName, Params>>;
  weights: Partial<Record<SourceName, number>>;
}

const isSourceName = (name: string): name is SourceName => (SOURCE_NAMES as readonly string[]).includes(name);

/**
 * The recipe of a stored recommender: the parameters its training chose (`report.params`) and the
 * weights it serves with. Sources this code does not know are left out.
 * @example const recipe = recipeOf(manifest); trainRecommender(events, items, { baseline: recipe })
 */
export function recipeOf(manifest: Pick<RecommenderManifest, 'sources' | 'report'>): RecommenderRecipe {
  const params: RecommenderRecipe['params'] = {};
  const weights: RecommenderRecipe['weights'] = {};
  for (const s of manifest.sources) {
    if (!isSourceName(s.name) || !(s.weight >= 0)) continue;
    weights[s.name] = s.weight;
    const p = manifest.report?.params?.[s.name];
    if (p) params[s.name] = { ...p };
  }
  return { params, weights };
}

/** Whether two parameter sets train the same source (same keys, same values, in any order). */
export function sameParams(a: Params, b: Params): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
