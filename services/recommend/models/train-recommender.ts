import { appError } from '../../../shared/errors/index.ts';
import { coordinateSearch, type Params } from './coordinate-search.ts';
import { EASE_DEFAULT_MAX_ITEMS } from './ease.ts';
import type { CandidateSource } from './candidate-source.ts';
import { InteractionMatrix, type Interaction } from './interaction-matrix.ts';
import { sameParams, type RecommenderRecipe } from './recommender-recipe.ts';
import { SOURCE_FACTORIES, SOURCE_NAMES, type SourceContext, type SourceFactory, type SourceName } from './source-registry.ts';
import { TrainedRecommender, type TrainingReport } from './trained-recommender.ts';
import { blendObjective, prepareBlendUsers, tuneBlendWeights, type BlendObjective, type PooledUser, type ValidationUser } from './tune-blend.ts';
import { carveValidation, validationNdcg } from './validation-split.ts';

/** The catalogue: item ids in index order, optionally with content vectors. */
export interface CatalogueItems {
  itemIds: readonly string[];
  /** Row-major itemIds.length × dimension (text embeddings, genre one-hots…). */
  vectors?: Float32Array;
  dimension?: number;
}

/** Options of {@link trainRecommender}. */
export interface TrainRecommenderOptions {
  /** Sources to train (those not applicable are skipped: EASE above easeMaxItems, content without vectors). @defaultValue all */
  sources?: readonly SourceName[];
  /** Starting (or, with tune: false, final) parameters per source, over the registry's defaults. */
  params?: Partial<Record<SourceName, Params>>;
  /** Blend weights when not tuning. @defaultValue DEFAULT_BLEND_WEIGHTS */
  weights?: Partial<Record<SourceName, number>>;
  /**
   * Choose parameters and weights on a validation split carved from the interactions. Either
   * way the blend is measured on such a split (`report.validation`). @defaultValue true
   */
  tune?: boolean;
  /** Share of each user's interactions kept for training while tuning. @defaultValue 0.8 */
  validationRatio?: number;
  /**
   * Validation splits (different seeds) the blend weights are tuned on together. More folds:
   * steadier weights, more time.
   * @defaultValue 3
   */
  validationFolds?: number;
  /**
   * How many of those folds each source's hyper-parameters are searched on (the mean nDCG@k
   * over them). On one, the choice follows that fold's noise: on the MovieLens-100K seed-42
   * split, EASE's candidates differed by 0.003 validation nDCG@10 on a fold and by as much
   * between folds, and the first fold chose λ 400 where the mean of three chose λ 200 (test
   * nDCG@10 of EASE alone 0.4995 against 0.5033). Each fold more costs one more training per
   * trial. @defaultValue validationFolds
   */
  searchFolds?: number;
  /** Validation users used at most per fold. @defaultValue 3000 */
  maxValidationUsers?: number;
  /** Seeds the validation split and the factor model. @defaultValue 42 */
  seed?: number;
  /** List length tuned for. @defaultValue 10 */
  k?: number;
  /** What the blend weights maximise on validation. @defaultValue { ndcg: 1 } */
  objective?: BlendObjective;
  /** iALS epochs while searching parameters (the final model gets its full count). @defaultValue 8 */
  tuningEpochs?: number;
  /** @defaultValue 5000 (see EaseOptions.maxItems) */
  easeMaxItems?: number;
  /**
   * The recipe of the model in service (its parameters and weights), trained again on the same
   * validation splits and measured on the same users as the candidate (`report.validation.baseline`),
   * so that a promotion gate compares like with like. Figures measured on different data differ
   * by more than the models do: erasing one MovieLens user's 175 ratings moved the validation
   * nDCG@10 of the same recipe by 0.005.
   */
  baseline?: RecommenderRecipe;
  onProgress?: (message: string) => void;
}

/** Weights used without tuning: what tuning chose on MovieLens-100K, rounded. */
export const DEFAULT_BLEND_WEIGHTS: Record<SourceName, number> = { ease: 0.7, ials: 1.4, cooccurrence: 0.05, popularity: 0.1, content: 0.5 };

/**
 * Trains every candidate source and the blend. With tuning (the default), each source's
 * hyper-parameters are chosen by coordinate search on validation nDCG@k, then the blend weights by
 * coordinate ascent, all on a split carved from `interactions` (never on a caller's test data);
 * the chosen sources are then retrained on all interactions.
 *
 * @example const model = trainRecommender(events, { itemIds }, { seed: 42 }); model.recommend(history, 10);
 */
export function trainRecommender(interactions: Iterable<Interaction>, items?: CatalogueItems, options: TrainRecommenderOptions = {}): TrainedRecommender {
  const t0 = performance.now();
  const say = options.onProgress ?? (() => {});
  const seed = options.seed ?? 42;
  const k = options.k ?? 10;
  const matrix = InteractionMatrix.fromInteractions(interactions, items ? { itemIds: items.itemIds } : {});
  if (matrix.nnz === 0) throw appError('RECOMMENDER_NO_INTERACTIONS');
  const ctx: SourceContext = {
    seed,
    easeMaxItems: options.easeMaxItems ?? EASE_DEFAULT_MAX_ITEMS,
    ...(items?.vectors && items.dimension ? { itemVectors: { vectors: items.vectors, dimension: items.dimension } } : {}),
  };
  const factories = (options.sources ?? SOURCE_NAMES).map((n) => SOURCE_FACTORIES[n]).filter((f) => f.applicable(matrix, ctx));
  if (factories.length === 0) throw appError('VALIDATION_FAILED', 'no candidate source applies to this data', { sources: options.sources });
  const params: Record<string, Params> = Object.fromEntries(factories.map((f) => [f.name, { ...f.defaults, ...options.params?.[f.name] }]));
  let weights = factories.map((f) => options.weights?.[f.name] ?? DEFAULT_BLEND_WEIGHTS[f.name]);
  let validation: TrainingReport['validation'];

  if (options.tune ?? true) {
    const folds = Math.max(1, options.validationFolds ?? 3);
    const carve = (fold: number) =>
      carveValidation(matrix, {
        ratio: options.validationRatio ?? 0.8,
        seed: seed + fold,
        ...(options.maxValidationUsers ? { maxUsers: options.maxValidationUsers } : {}),
      });
    const splits = Array.from({ length: folds }, (_, fold) => carve(fold));
    const searched = splits.slice(0, Math.min(folds, Math.max(1, options.searchFolds ?? folds)));
    say(`validation: ${splits[0]!.train.nnz} training interactions, ${splits[0]!.users.length} users with held-out items, ${folds} fold(s), parameters searched on ${searched.length}`);
    const alone: Record<string, number> = {};
    for (const f of factories) {
      const searchCtx = { ...ctx, epochs: options.tuningEpochs ?? 8 };
      const search = coordinateSearch(params[f.name]!, f.space(ctx), (p) => mean(searched.map((part) => validationNdcg(f.train(part.train, p, searchCtx), part.users, k))));
      params[f.name] = search.best;
      alone[f.name] = search.score;
      say(`tuned ${f.name}: ${JSON.stringify(search.best)} nDCG@${k} ${search.score.toFixed(4)} (${search.trials.length} trials, ${sum(search.trials.map((t) => t.seconds)).toFixed(1)} s)`);
    }
    // Blend weights over every fold's users at once, each fold's sources trained as final ones are.
    const pooled: PooledUser[] = [];
    const baseline = options.baseline ? new BaselineMeasure(options.baseline, factories, ctx, k) : undefined;
    for (let fold = 0; fold < folds; fold++) {
      const part = splits[fold]!;
      const sources = factories.map((f) => f.train(part.train, params[f.name]!, ctx));
      const fresh = prepareBlendUsers(sources, part.users, k);
      pooled.push(...fresh);
      baseline?.addFold(part.train, part.users, sources, params, fresh);
      say(`blend fold ${fold + 1}/${folds} scored`);
    }
    const blend = tuneBlendWeights(pooled, { k, ...(options.objective ? { objective: options.objective } : {}) });
    weights = blend.weights;
    const base = baseline?.objective(options.objective);
    validation = { users: pooled.length, alone, blend: blend.objective, k, ...(base === undefined ? {} : { baseline: base }) };
    say(`tuned blend: ${factories.map((f, i) => `${f.name} ${weights[i]}`).join(', ')}; validation objective ${blend.objective.toFixed(4)}${base === undefined ? '' : `, the recipe in service ${base.toFixed(4)} on the same users`}`);
  } else {
    // untuned, the model is still measured the same way: the registry's not-worse gate needs a figure
    const split = carveValidation(matrix, {
      ratio: options.validationRatio ?? 0.8,
      seed,
      ...(options.maxValidationUsers ? { maxUsers: options.maxValidationUsers } : {}),
    });
    const sources = factories.map((f) => f.train(split.train, params[f.name]!, ctx));
    const pooled = prepareBlendUsers(sources, split.users, k);
    const alone = Object.fromEntries(factories.map((f, i) => [f.name, blendObjective(pooled, factories.map((_, j) => (j === i ? 1 : 0)), { k })]));
    let base: number | undefined;
    if (options.baseline) {
      const measure = new BaselineMeasure(options.baseline, factories, ctx, k);
      measure.addFold(split.train, split.users, sources, params, pooled);
      base = measure.objective(options.objective);
    }
    validation = {
      users: pooled.length,
      alone,
      blend: blendObjective(pooled, weights, { k, ...(options.objective ? { objective: options.objective } : {}) }),
      k,
      ...(base === undefined ? {} : { baseline: base }),
    };
    say(`validation (untuned): nDCG@${k} ${validation.blend.toFixed(4)} over ${pooled.length} users${base === undefined ? '' : `, the recipe in service ${base.toFixed(4)}`}`);
  }
  const tuningSeconds = (performance.now() - t0) / 1000;

  const trainSeconds: Record<string, number> = {};
  const sources = factories.map((f) => {
    const t = performance.now();
    const source = f.train(matrix, params[f.name]!, ctx);
    trainSeconds[f.name] = (performance.now() - t) / 1000;
    say(`trained ${f.name} on ${matrix.nnz} interactions in ${trainSeconds[f.name]!.toFixed(2)} s`);
    return source;
  });
  const report: TrainingReport = {
    trainSeconds,
    tuningSeconds,
    totalSeconds: (performance.now() - t0) / 1000,
    params,
    ...(validation ? { validation } : {}),
    interactions: matrix.nnz,
    users: matrix.numUsers,
  };
  return new TrainedRecommender(matrix.itemIds, sources, weights, report);
}

/**
 * A baseline recipe measured fold by fold on the candidate's validation users: its sources are
 * the candidate's own where the parameters agree (the common case: nothing is trained twice) and
 * trained with the recipe's parameters where they differ; sources the recipe lacks weigh 0.
 */
class BaselineMeasure {
  private readonly weights: number[];
  private readonly pooled: PooledUser[] = [];

  constructor(
    private readonly recipe: RecommenderRecipe,
    private readonly factories: readonly SourceFactory[],
    private readonly ctx: SourceContext,
    private readonly k: number,
  ) {
    this.weights = factories.map((f) => (recipe.params[f.name] ? Math.max(recipe.weights[f.name] ?? 0, 0) : 0));
  }

  /** One validation fold: `sources`/`pooled` are the candidate's, trained on `train` with `params`. */
  addFold(train: InteractionMatrix, users: readonly ValidationUser[], sources: readonly CandidateSource[], params: Record<string, Params>, pooled: readonly PooledUser[]): void {
    let own = true;
    const mine = this.factories.map((f, i) => {
      const recipeParams = this.recipe.params[f.name];
      if (this.weights[i] === 0 || !recipeParams) return sources[i]!;
      const full = { ...f.defaults, ...recipeParams };
      if (sameParams(full, params[f.name]!)) return sources[i]!;
      own = false;
      return f.train(train, full, this.ctx);
    });
    this.pooled.push(...(own ? pooled : prepareBlendUsers(mine, users, this.k)));
  }

  /** The recipe's objective over every fold's users; undefined when no source it weighs applies. */
  objective(goal?: BlendObjective): number | undefined {
    if (!this.weights.some((w) => w > 0)) return undefined;
    return blendObjective(this.pooled, this.weights, { k: this.k, ...(goal ? { objective: goal } : {}) });
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: number[]): number {
  return xs.length ? sum(xs) / xs.length : 0;
}
