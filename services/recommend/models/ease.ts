import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import { sessionKernel, type SessionOptions } from './session-kernel.ts';
import { invertSpdInPlace } from './spd-inverse.ts';
import type { UserHistory } from './user-history.ts';

/** Options of {@link EaseModel.train}. */
export interface EaseOptions {
  /**
   * L2 regularisation λ added to the Gram matrix's diagonal.
   * @defaultValue 300
   */
  lambda?: number;
  /**
   * Dropout-style emphasis (Steck 2020, "Autoencoders that don't overfit towards the identity"):
   * each item's own diagonal is further scaled by p/(1−p), so popular items are regularised
   * more. 0 is plain EASE.
   * @defaultValue 0
   */
  dropout?: number;
  /**
   * Weights each co-occurrence in XᵀX by how close in time the user's two interactions were
   * (see {@link SessionOptions}); off by default.
   */
  session?: SessionOptions;
  /**
   * Item side information (genre one-hots, embeddings): adds weight·F·Fᵀ to the Gram matrix, as if
   * every feature were a user who interacted with the items having it (collective EASE, Jeunen et
   * al. 2020), so items sharing features borrow strength from each other. Off by default.
   */
  sideInformation?: { vectors: Float32Array; dimension: number; weight: number };
  /**
   * Largest catalogue EASE accepts: memory is 12·n² bytes while training and time grows as n³.
   * @defaultValue 5000
   */
  maxItems?: number;
}

export const EASE_DEFAULT_MAX_ITEMS = 5000;

/**
 * EASE (Steck 2019): an item-item weight matrix in closed form,
 * B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, i.e. B_ij = −P_ij / P_jj and B_jj = 0.
 * A user's scores are Σ_{i ∈ history} w_i·B_i·, one contiguous row per history item.
 *
 * @example const ease = EaseModel.train(matrix, { lambda: 250 }); ease.score(history, scores);
 */
export class EaseModel implements CandidateSource {
  readonly name = 'ease';

  constructor(
    readonly numItems: number,
    /** B, row-major n×n: weights[i·n + j] is how much history item i votes for item j. */
    readonly weights: Float32Array,
    readonly params: { lambda: number; dropout: number; session?: SessionOptions; sideWeight?: number },
  ) {
    if (weights.length !== numItems * numItems) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'EASE weights are not n×n');
  }

  static train(matrix: InteractionMatrix, options: EaseOptions = {}): EaseModel {
    const lambda = options.lambda ?? 300;
    const dropout = options.dropout ?? 0;
    const maxItems = options.maxItems ?? EASE_DEFAULT_MAX_ITEMS;
    const n = matrix.numItems;
    if (n > maxItems) {
      throw appError('VALIDATION_FAILED', `EASE is limited to ${maxItems} items; this catalogue has ${n} (use the factor model)`, { items: n, maxItems });
    }
    if (!(lambda > 0) || !(dropout >= 0 && dropout < 1)) throw appError('VALIDATION_FAILED', 'EASE needs lambda > 0 and 0 <= dropout < 1', { lambda, dropout });
    const p = gram(matrix, options.session);
    const side = options.sideInformation;
    if (side && side.weight > 0) addFeatureGram(p, n, side.vectors, side.dimension, side.weight);
    const emphasis = dropout / (1 - dropout);
    for (let i = 0; i < n; i++) p[i * n + i] = p[i * n + i]! * (1 + emphasis) + lambda;
    invertSpdInPlace(p, n);
    const b = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      for (let j = 0; j < n; j++) if (j !== i) b[ri + j] = -p[ri + j]! / p[j * n + j]!;
    }
    return new EaseModel(n, b, {
      lambda,
      dropout,
      ...(options.session ? { session: options.session } : {}),
      ...(side && side.weight > 0 ? { sideWeight: side.weight } : {}),
    });
  }

  static fromParts(parts: SourceParts): EaseModel {
    const w = parts.arrays.weights;
    const n = Number(parts.params.numItems);
    if (!(w instanceof Float32Array)) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'EASE weights missing');
    const session = parts.params.session as SessionOptions | undefined;
    const sideWeight = parts.params.sideWeight === undefined ? {} : { sideWeight: Number(parts.params.sideWeight) };
    return new EaseModel(n, w, { lambda: Number(parts.params.lambda), dropout: Number(parts.params.dropout ?? 0), ...(session ? { session } : {}), ...sideWeight });
  }

  score(history: UserHistory, out: Float32Array): void {
    const n = this.numItems;
    const b = this.weights;
    const { items, weights } = history;
    const m = items.length;
    out.fill(0);
    // Four history rows per pass over `out`: each score still takes its row terms one at a
    // time in history order, rounded to float32 after each (Math.fround, as storing into
    // `out` would), so the result is bit-identical to one row per pass, with a quarter of
    // the loads and stores of `out`.
    let h = 0;
    for (; h + 4 <= m; h += 4) {
      const w0 = weights[h]!;
      const w1 = weights[h + 1]!;
      const w2 = weights[h + 2]!;
      const w3 = weights[h + 3]!;
      const r0 = items[h]! * n;
      const r1 = items[h + 1]! * n;
      const r2 = items[h + 2]! * n;
      const r3 = items[h + 3]! * n;
      for (let j = 0; j < n; j++) {
        let s = Math.fround(out[j]! + w0 * b[r0 + j]!);
        s = Math.fround(s + w1 * b[r1 + j]!);
        s = Math.fround(s + w2 * b[r2 + j]!);
        out[j] = s + w3 * b[r3 + j]!;
      }
    }
    for (; h < m; h++) {
      const w = weights[h]!;
      const row = items[h]! * n;
      for (let j = 0; j < n; j++) out[j] = out[j]! + w * b[row + j]!;
    }
  }

  explain(history: UserHistory, item: number): number {
    const n = this.numItems;
    let best = -1;
    let bestValue = 0;
    for (let h = 0; h < history.items.length; h++) {
      const v = history.weights[h]! * this.weights[history.items[h]! * n + item]!;
      if (v > bestValue) {
        bestValue = v;
        best = h;
      }
    }
    return best;
  }

  toParts(): SourceParts {
    return { kind: 'ease', params: { numItems: this.numItems, ...this.params }, arrays: { weights: this.weights } };
  }
}

/**
 * XᵀX, or Σ_u (x_u·x_uᵀ) ∘ K_u with K_u the session kernel of the user's interaction times (still
 * positive semi-definite: a Hadamard product of PSD matrices). Lower triangle and diagonal filled;
 * the upper is left zero, the inversion ignores it.
 */
export function gram(matrix: InteractionMatrix, session?: SessionOptions): Float64Array {
  const n = matrix.numItems;
  const g = new Float64Array(n * n);
  const { indptr, indices, values, timestamps } = matrix;
  const kernel = session ? sessionKernel(session) : undefined;
  for (let u = 0; u < matrix.numUsers; u++) {
    const a = indptr[u]!;
    const b = indptr[u + 1]!;
    // indices are sorted within a row, so indices[y] ≤ indices[x] for y ≤ x: lower triangle.
    for (let x = a; x < b; x++) {
      const row = indices[x]! * n;
      const vx = values[x]!;
      if (kernel) {
        const tx = timestamps[x]!;
        for (let y = a; y <= x; y++) g[row + indices[y]!]! += vx * values[y]! * kernel(tx - timestamps[y]!);
      } else {
        for (let y = a; y <= x; y++) g[row + indices[y]!]! += vx * values[y]!;
      }
    }
  }
  return g;
}

/** g (lower triangle) += weight · F·Fᵀ for row-major item vectors F (n × dimension). */
function addFeatureGram(g: Float64Array, n: number, f: Float32Array, dimension: number, weight: number): void {
  if (f.length !== n * dimension) throw appError('VALIDATION_FAILED', `side information has ${f.length} values, expected ${n}×${dimension}`);
  for (let i = 0; i < n; i++) {
    const fi = i * dimension;
    for (let j = 0; j <= i; j++) {
      const fj = j * dimension;
      let s = 0;
      for (let x = 0; x < dimension; x++) s += f[fi + x]! * f[fj + x]!;
      if (s !== 0) g[i * n + j]! += weight * s;
    }
  }
}
