import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import { addHistoryTerms } from './ials-fold-in.ts';
import { cholesky } from './spd-inverse.ts';
import { seededRandom } from './seeded-random.ts';
import type { UserHistory } from './user-history.ts';

/** Options of {@link IalsModel.train}. */
export interface IalsOptions {
  /** @defaultValue 64 */
  factors?: number;
  /** λ, scaled per row by (row count + α₀·other side)^ν. @defaultValue 0.01 */
  regularization?: number;
  /** α₀: weight of every unobserved (and observed) pair pulled towards 0. @defaultValue 0.1 */
  unobservedWeight?: number;
  /** ν: 1 scales each row's regularisation with its frequency, 0 keeps it constant. @defaultValue 1 */
  regExponent?: number;
  /** @defaultValue 16 */
  epochs?: number;
  /** Conjugate-gradient steps per row and epoch, warm-started from the previous epoch. @defaultValue 3 */
  cgSteps?: number;
  /** Standard deviation of the initial factors, divided by √factors. @defaultValue 0.1 */
  initStd?: number;
  /** @defaultValue 7 */
  seed?: number;
  /** Called after every epoch with the full training loss (computed only when this is given). */
  onEpoch?: (epoch: number, loss: number) => void;
}

interface IalsParams {
  factors: number;
  regularization: number;
  unobservedWeight: number;
  regExponent: number;
}

/**
 * Implicit-feedback matrix factorisation, iALS as revisited by Rendle et al. (2021): minimises
 * Σ_observed c·(⟨w_u,h_i⟩−1)² + α₀·Σ_all ⟨w_u,h_i⟩² + λ·Σ_u (|I_u|+α₀|I|)^ν‖w_u‖² + (same for items),
 * alternating users and items, each row solved by a few warm-started conjugate-gradient steps
 * (Takács et al. 2011), so an epoch costs O(nnz·d + rows·d²). Only item factors are kept: a user
 * (new or not) is folded in from their history by an exact d×d solve, then scored by H·w.
 *
 * @example const ials = IalsModel.train(matrix, { factors: 64, epochs: 16 }); ials.score(history, out);
 */
export class IalsModel implements CandidateSource {
  readonly name = 'ials';
  /** α₀·HᵀH, the part of every user's system that does not depend on the user. */
  private readonly gramian: Float64Array;
  /** Scratch for one user's system, reused by every fold-in (they never overlap: all synchronous). */
  private readonly system: Float64Array;

  constructor(
    readonly numItems: number,
    /** H, row-major numItems × factors. */
    readonly itemFactors: Float32Array,
    readonly params: IalsParams,
    /** Training loss after each epoch, when `onEpoch` asked for it (empty otherwise and for a loaded model). */
    readonly losses: readonly number[] = [],
  ) {
    const d = params.factors;
    if (itemFactors.length !== numItems * d) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'iALS item factors are not numItems × factors');
    this.gramian = gramianOf(itemFactors, numItems, d, params.unobservedWeight);
    this.system = new Float64Array(d * d);
  }

  static train(matrix: InteractionMatrix, options: IalsOptions = {}): IalsModel {
    const d = options.factors ?? 64;
    const params: IalsParams = {
      factors: d,
      regularization: options.regularization ?? 0.01,
      unobservedWeight: options.unobservedWeight ?? 0.1,
      regExponent: options.regExponent ?? 1,
    };
    const epochs = options.epochs ?? 16;
    const steps = options.cgSteps ?? 3;
    const rng = seededRandom(options.seed ?? 7);
    const std = (options.initStd ?? 0.1) / Math.sqrt(d);
    const byItem = matrix.transpose();
    const w = new Float64Array(matrix.numUsers * d);
    const h = new Float64Array(matrix.numItems * d);
    for (let k = 0; k < w.length; k++) w[k] = rng.normal() * std;
    for (let k = 0; k < h.length; k++) h[k] = rng.normal() * std;
    const losses: number[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      solveSide(matrix, w, h, d, params, matrix.numItems, steps);
      solveSide(byItem, h, w, d, params, matrix.numUsers, steps);
      if (!options.onEpoch) continue; // the loss costs about a tenth of an epoch: only when asked for
      const loss = trainingLoss(matrix, w, h, d, params);
      losses.push(loss);
      options.onEpoch(epoch, loss);
    }
    return new IalsModel(matrix.numItems, Float32Array.from(h), params, losses);
  }

  static fromParts(parts: SourceParts): IalsModel {
    const h = parts.arrays.itemFactors;
    if (!(h instanceof Float32Array)) throw appError('RECOMMENDER_ARTIFACT_INVALID', 'iALS item factors missing');
    const p = parts.params;
    return new IalsModel(Number(p.numItems), h, {
      factors: Number(p.factors),
      regularization: Number(p.regularization),
      unobservedWeight: Number(p.unobservedWeight),
      regExponent: Number(p.regExponent),
    });
  }

  /** The user vector that minimises the loss for this history with the item factors fixed. */
  foldIn(history: UserHistory): Float64Array {
    const d = this.params.factors;
    const a = this.system;
    a.set(this.gramian);
    const b = new Float64Array(d);
    addHistoryTerms(a, b, this.itemFactors, d, history);
    const reg = rowRegularisation(this.params, history.items.length, this.numItems);
    for (let x = 0; x < d; x++) a[x * d + x]! += reg;
    cholesky(a, d);
    return choleskySolve(a, d, b);
  }

  score(history: UserHistory, out: Float32Array): void {
    const d = this.params.factors;
    const u = this.foldIn(history);
    const hf = this.itemFactors;
    const n = this.numItems;
    // Four items per pass, each with its own accumulator: the same sums in the same order as
    // one item at a time, without every add waiting on the previous one.
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o0 = i * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let x = 0; x < d; x++) {
        const ux = u[x]!;
        s0 += hf[o0 + x]! * ux;
        s1 += hf[o1 + x]! * ux;
        s2 += hf[o2 + x]! * ux;
        s3 += hf[o3 + x]! * ux;
      }
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
      out[i + 3] = s3;
    }
    for (; i < n; i++) {
      let s = 0;
      const o = i * d;
      for (let x = 0; x < d; x++) s += hf[o + x]! * u[x]!;
      out[i] = s;
    }
  }

  toParts(): SourceParts {
    return { kind: 'ials', params: { numItems: this.numItems, ...this.params }, arrays: { itemFactors: this.itemFactors } };
  }
}

function rowRegularisation(p: IalsParams, count: number, otherSide: number): number {
  return p.regularization * Math.pow(count + p.unobservedWeight * otherSide, p.regExponent);
}

/** α₀·FᵀF for a row-major rows × d matrix F (full symmetric d×d). */
function gramianOf(f: Float32Array | Float64Array, rows: number, d: number, alpha0: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let x = 0; x < d; x++) {
      const fx = f[o + x]!;
      for (let y = 0; y <= x; y++) g[x * d + y]! += fx * f[o + y]!;
    }
  }
  for (let x = 0; x < d; x++) {
    for (let y = 0; y <= x; y++) {
      const v = g[x * d + y]! * alpha0;
      g[x * d + y] = v;
      g[y * d + x] = v;
    }
  }
  return g;
}

/** Updates every row of `x` (rows of `m`) with `y` fixed, by warm-started conjugate gradient. */
function solveSide(m: InteractionMatrix, x: Float64Array, y: Float64Array, d: number, p: IalsParams, otherSide: number, steps: number): void {
  const g = gramianOf(y, otherSide, d, p.unobservedWeight);
  const r = new Float64Array(d);
  const dir = new Float64Array(d);
  const ad = new Float64Array(d);
  const { indptr, indices, values } = m;
  // A·v = G·v + Σ_j c_j⟨y_j,v⟩y_j + reg·v, written into out
  const apply = (row: number, v: Float64Array, out: Float64Array, reg: number): void => {
    // G·v four output rows per pass, each with its own accumulator (the same sums in the same
    // order as one row at a time, without every add waiting on the previous one)
    let a = 0;
    for (; a + 4 <= d; a += 4) {
      const g0 = a * d;
      const g1 = g0 + d;
      const g2 = g1 + d;
      const g3 = g2 + d;
      let s0 = reg * v[a]!;
      let s1 = reg * v[a + 1]!;
      let s2 = reg * v[a + 2]!;
      let s3 = reg * v[a + 3]!;
      for (let b = 0; b < d; b++) {
        const vb = v[b]!;
        s0 += g[g0 + b]! * vb;
        s1 += g[g1 + b]! * vb;
        s2 += g[g2 + b]! * vb;
        s3 += g[g3 + b]! * vb;
      }
      out[a] = s0;
      out[a + 1] = s1;
      out[a + 2] = s2;
      out[a + 3] = s3;
    }
    for (; a < d; a++) {
      let s = reg * v[a]!;
      const ga = a * d;
      for (let b = 0; b < d; b++) s += g[ga + b]! * v[b]!;
      out[a] = s;
    }
    for (let k = indptr[row]!; k < indptr[row + 1]!; k++) {
      const o = indices[k]! * d;
      let dotv = 0;
      for (let a = 0; a < d; a++) dotv += y[o + a]! * v[a]!;
      dotv *= values[k]!;
      for (let a = 0; a < d; a++) out[a]! += dotv * y[o + a]!;
    }
  };
  const cur = new Float64Array(d);
  for (let row = 0; row < m.numUsers; row++) {
    const xo = row * d;
    const reg = rowRegularisation(p, indptr[row + 1]! - indptr[row]!, otherSide);
    for (let a = 0; a < d; a++) cur[a] = x[xo + a]!;
    apply(row, cur, ad, reg);
    // r = b − A·x, with b = Σ_j c_j·y_j
    for (let a = 0; a < d; a++) r[a] = -ad[a]!;
    for (let k = indptr[row]!; k < indptr[row + 1]!; k++) {
      const o = indices[k]! * d;
      const c = values[k]!;
      for (let a = 0; a < d; a++) r[a]! += c * y[o + a]!;
    }
    dir.set(r);
    let rr = 0;
    for (let a = 0; a < d; a++) rr += r[a]! * r[a]!;
    for (let s = 0; s < steps && rr > 1e-20; s++) {
      apply(row, dir, ad, reg);
      let pap = 0;
      for (let a = 0; a < d; a++) pap += dir[a]! * ad[a]!;
      const alpha = rr / pap;
      let rrNew = 0;
      for (let a = 0; a < d; a++) {
        cur[a]! += alpha * dir[a]!;
        r[a]! -= alpha * ad[a]!;
        rrNew += r[a]! * r[a]!;
      }
      const beta = rrNew / rr;
      for (let a = 0; a < d; a++) dir[a] = r[a]! + beta * dir[a]!;
      rr = rrNew;
    }
    for (let a = 0; a < d; a++) x[xo + a] = cur[a]!;
  }
}

/** The objective iALS minimises (see the class comment), computed in O(nnz·d + rows·d²). */
export function trainingLoss(m: InteractionMatrix, w: Float64Array, h: Float64Array, d: number, p: IalsParams): number {
  let loss = 0;
  const { indptr, indices, values } = m;
  for (let u = 0; u < m.numUsers; u++) {
    const wo = u * d;
    for (let k = indptr[u]!; k < indptr[u + 1]!; k++) {
      const ho = indices[k]! * d;
      let s = 0;
      for (let a = 0; a < d; a++) s += w[wo + a]! * h[ho + a]!;
      loss += values[k]! * (s - 1) * (s - 1);
    }
  }
  // α₀·Σ_all ŷ² = Σ_ab (WᵀW)_ab · α₀(HᵀH)_ab
  const gw = gramianOf(w, m.numUsers, d, 1);
  const gh = gramianOf(h, m.numItems, d, p.unobservedWeight);
  for (let k = 0; k < d * d; k++) loss += gw[k]! * gh[k]!;
  const itemCounts = m.itemCounts();
  for (let u = 0; u < m.numUsers; u++) loss += rowRegularisation(p, indptr[u + 1]! - indptr[u]!, m.numItems) * squaredNorm(w, u * d, d);
  for (let i = 0; i < m.numItems; i++) loss += rowRegularisation(p, itemCounts[i]!, m.numUsers) * squaredNorm(h, i * d, d);
  return loss;
}

function squaredNorm(a: Float64Array, o: number, d: number): number {
  let s = 0;
  for (let x = 0; x < d; x++) s += a[o + x]! * a[o + x]!;
  return s;
}

/** Solves L·Lᵀ·x = b for a lower Cholesky factor in `l` (row-major d×d). */
function choleskySolve(l: Float64Array, d: number, b: Float64Array): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * z[k]!;
    z[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}
