import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import { ContentSimilarityModel } from './content-similarity.ts';
import type { Params } from './coordinate-search.ts';
import { EaseModel } from './ease.ts';
import { IalsModel } from './ials.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import { ItemCooccurrenceModel } from './item-cooccurrence.ts';
import { PopularityModel } from './popularity.ts';
import type { SessionOptions } from './session-kernel.ts';

export const SOURCE_NAMES = ['ease', 'ials', 'cooccurrence', 'popularity', 'content'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** What a factory may need besides the interactions. */
export interface SourceContext {
  /** Item vectors for the content source, row-major numItems × dimension. */
  itemVectors?: { vectors: Float32Array; dimension: number };
  seed: number;
  easeMaxItems: number;
  /** iALS epochs: fewer while tuning. */
  epochs?: number;
}

/**
 * How to train one kind of source from flat numeric parameters, its defaults and the small grid
 * its parameters are tuned over. A session base weight of 1 means no session weighting; a
 * half-life of 0 means none (Infinity is not JSON).
 */
export interface SourceFactory {
  name: SourceName;
  defaults: Params;
  /** The grid searched (it may depend on what the context offers). */
  space(ctx: SourceContext): Record<string, readonly number[]>;
  applicable(matrix: InteractionMatrix, ctx: SourceContext): boolean;
  train(matrix: InteractionMatrix, params: Params, ctx: SourceContext): CandidateSource;
}

const session = (p: Params): SessionOptions | undefined =>
  p.sessionBase !== undefined && p.sessionBase < 1 ? { baseWeight: p.sessionBase, timeScaleSeconds: p.sessionSeconds ?? 300 } : undefined;
const halfLife = (days: number | undefined): number => (days && days > 0 ? days : Infinity);

export const SOURCE_FACTORIES: Record<SourceName, SourceFactory> = {
  ease: {
    name: 'ease',
    defaults: { lambda: 200, sessionBase: 0.25, sessionSeconds: 120, sideWeight: 3 },
    space: (ctx) => ({
      lambda: [50, 100, 200, 400, 800],
      sessionBase: [1, 0.5, 0.25, 0.1],
      sessionSeconds: [30, 120, 600],
      ...(ctx.itemVectors ? { sideWeight: [0, 1, 3, 10] } : {}),
    }),
    applicable: (m, ctx) => m.numItems <= ctx.easeMaxItems,
    train: (m, p, ctx) => {
      const s = session(p);
      const v = ctx.itemVectors;
      const side = v && p.sideWeight ? { sideInformation: { vectors: v.vectors, dimension: v.dimension, weight: p.sideWeight } } : {};
      return EaseModel.train(m, { lambda: p.lambda!, maxItems: ctx.easeMaxItems, ...(s ? { session: s } : {}), ...side });
    },
  },
  ials: {
    name: 'ials',
    defaults: { factors: 64, regularization: 0.02, unobservedWeight: 0.2, regExponent: 1 },
    space: () => ({ regularization: [0.01, 0.014, 0.02, 0.028, 0.04], unobservedWeight: [0.1, 0.2, 0.4] }),
    applicable: () => true,
    train: (m, p, ctx) =>
      IalsModel.train(m, {
        factors: p.factors!,
        regularization: p.regularization!,
        unobservedWeight: p.unobservedWeight!,
        regExponent: p.regExponent!,
        seed: ctx.seed,
        ...(ctx.epochs ? { epochs: ctx.epochs } : {}),
      }),
  },
  cooccurrence: {
    name: 'cooccurrence',
    defaults: { alpha: 1, beta: 0.3, neighbours: 200, sessionBase: 0.1, sessionSeconds: 300 },
    space: () => ({ beta: [0.1, 0.3, 0.5, 0.7], alpha: [0.5, 1], sessionBase: [1, 0.25, 0.1] }),
    applicable: () => true,
    train: (m, p) => {
      const s = session(p);
      return ItemCooccurrenceModel.train(m, { alpha: p.alpha!, beta: p.beta!, neighbours: p.neighbours!, ...(s ? { session: s } : {}) });
    },
  },
  popularity: {
    name: 'popularity',
    defaults: { halfLifeDays: 30 },
    space: () => ({ halfLifeDays: [7, 30, 180, 0] }),
    applicable: () => true,
    train: (m, p) => PopularityModel.train(m, { halfLifeDays: halfLife(p.halfLifeDays) }),
  },
  content: {
    name: 'content',
    defaults: { recencyHalfLifeDays: 30 },
    space: () => ({ recencyHalfLifeDays: [7, 30, 365] }),
    applicable: (m, ctx) => ctx.itemVectors !== undefined && ctx.itemVectors.vectors.length === m.numItems * ctx.itemVectors.dimension,
    train: (_m, p, ctx) => {
      const v = ctx.itemVectors!;
      return ContentSimilarityModel.fromVectors(v.vectors, v.dimension, { recencyHalfLifeDays: halfLife(p.recencyHalfLifeDays) });
    },
  },
};

/** Rebuilds a stored source from its parts. */
export function sourceFromParts(parts: SourceParts): CandidateSource {
  switch (parts.kind) {
    case 'ease':
      return EaseModel.fromParts(parts);
    case 'ials':
      return IalsModel.fromParts(parts);
    case 'cooccurrence':
      return ItemCooccurrenceModel.fromParts(parts);
    case 'popularity':
      return PopularityModel.fromParts(parts);
    case 'content':
      return ContentSimilarityModel.fromParts(parts);
    default:
      throw appError('RECOMMENDER_ARTIFACT_INVALID', `unknown source kind "${parts.kind}"`, { kind: parts.kind });
  }
}
