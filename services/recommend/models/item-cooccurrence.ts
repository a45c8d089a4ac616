import { appError } from '../../../shared/errors/index.ts';
import type { CandidateSource, SourceParts } from './candidate-source.ts';
import type { InteractionMatrix } from './interaction-matrix.ts';
import { sessionKernel, type SessionOptions } from './session-kernel.ts';
import { TopKHeap } from './top-k.ts';
import type { UserHistory } from './user-history.ts';

/** Options of {@link ItemCooccurrenceModel.train}. */
export interface ItemCooccurrenceOptions {
  /**
   * 'rp3beta' (Paudel et al. 2017): a random walk item → user → item, each step's transition
   * probability raised to α, the arrival item's score divided by its popularity^β.
   * 'cosine': co-occurrence count / √(count_i·count_j).
   * @defaultValue 'rp3beta'
   */
  normalisation?: 'rp3beta' | 'cosine';
  /** @defaultValue 1 */
  alpha?: number;
  /** @defaultValue 0.5 */
  beta?: number;
  /** Neighbours kept per item. @defaultValue 100 */
  neighbours?: number;
  /** Weighting of co-occurrences close in time (see {@link SessionOptions}); off by default. */
  session?: SessionOptions;
}

/**
 * Item-item similarity from co-occurrence, the top neighbours of every item kept in CSR form
 * (memory grows with items × neighbours, not items²). Scores a history by summing its items'
 * neighbour rows; also answers "similar items".
 *
 * @example const cooc = ItemCooccurrenceModel.train(matrix, { neighbours: 100 }); cooc.similar(12, 10);
 */
export class ItemCooccurrenceModel implements CandidateSource {
  readonly name = 'cooccurrence';

  constructor(
    readonly numItems: number,
    readonly indptr: Int32Array,
    readonly neighbourIndices: Int32Array,
    /** Sorted best first within each item's row. */
    readonly neighbourWeights: Float32Array,
    readonly params: Record<string, unknown> = {},
  ) {
    if (indptr.length !== numItems + 1 || neighbourIndices.length !== neighbourWeights.length) {
      throw appError('RECOMMENDER_ARTIFACT_INVALID', 'co-occurrence neighbour arrays are inconsistent');
    }
  }

  static train(matrix: InteractionMatrix, options: ItemCooccurrenceOptions = {}): ItemCooccurrenceModel {
    const normalisation = options.normalisation ?? 'rp3beta';
    const alpha = options.alpha ?? 1;
    const beta = options.beta ?? 0.5;
    const keep = Math.min(options.neighbours ?? 100, Math.max(matrix.numItems - 1, 0));
    const kernel = options.session ? sessionKernel(options.session) : undefined;
    const n = matrix.numItems;
    const byItem = matrix.transpose();
    const itemCounts = matrix.itemCounts();
    // Row sums of X and Xᵀ: the random walk's transition normalisers.
    const userTotal = new Float64Array(matrix.numUsers);
    for (let u = 0; u < matrix.numUsers; u++) for (let k = matrix.indptr[u]!; k < matrix.indptr[u + 1]!; k++) userTotal[u]! += matrix.values[k]!;
    const itemTotal = new Float64Array(n);
    for (let k = 0; k < matrix.nnz; k++) itemTotal[matrix.indices[k]!]! += matrix.values[k]!;
    // The user → item step of every entry, computed once rather than once per pair.
    const toItem = new Float64Array(matrix.nnz);
    for (let u = 0; u < matrix.numUsers; u++) {
      for (let b = matrix.indptr[u]!; b < matrix.indptr[u + 1]!; b++) {
        toItem[b] = normalisation === 'rp3beta' ? Math.pow(matrix.values[b]! / userTotal[u]!, alpha) : matrix.values[b]!;
      }
    }

    // A sparse accumulator: only the items reached from item i are visited, reset and ranked, so
    // training costs the co-occurrences themselves, not items².
    const acc = new Float64Array(n);
    const reached = new Uint8Array(n);
    const touched = new Int32Array(n);
    const best = new TopKHeap(keep);
    const indptr = new Int32Array(n + 1);
    const idx = new Int32Array(n * keep);
    const wts = new Float32Array(n * keep);
    let out = 0;
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (let a = byItem.indptr[i]!; a < byItem.indptr[i + 1]!; a++) {
        const u = byItem.indices[a]!;
        const xui = byItem.values[a]!;
        const tui = byItem.timestamps[a]!;
        const first = normalisation === 'rp3beta' ? Math.pow(xui / itemTotal[i]!, alpha) : xui;
        for (let b = matrix.indptr[u]!; b < matrix.indptr[u + 1]!; b++) {
          let v = first * toItem[b]!;
          if (kernel) v *= kernel(tui - matrix.timestamps[b]!);
          const j = matrix.indices[b]!;
          if (reached[j] === 0) {
            reached[j] = 1;
            touched[count++] = j;
          }
          acc[j]! += v;
        }
      }
      for (let c = 0; c < count; c++) {
        const j = touched[c]!;
        const raw = acc[j]!;
        acc[j] = 0;
        reached[j] = 0;
        if (j === i || raw === 0) continue;
        best.offer(j, normalisation === 'rp3beta' ? raw / Math.pow(itemCounts[j]!, beta) : raw / Math.sqrt(itemCounts[i]! * itemCounts[j]!));
      }
      indptr[i] = out;
      out += best.drain(idx, wts, out);
    }
    indptr[n] = out;
    const params = { normalisation, alpha, beta, neighbours: keep, ...(options.session ? { session: options.session } : {}) };
    return new ItemCooccurrenceModel(n, indptr, idx.slice(0, out), wts.slice(0, out), params);
  }

  static fromParts(parts: SourceParts): ItemCooccurrenceModel {
    const { indptr, neighbourIndices, neighbourWeights } = parts.arrays;
    if (!(indptr instanceof Int32Array && neighbourIndices instanceof Int32Array && neighbourWeights instanceof Float32Array)) {
      throw appError('RECOMMENDER_ARTIFACT_INVALID', 'co-occurrence arrays missing');
    }
    const { numItems, ...params } = parts.params;
    return new ItemCooccurrenceModel(Number(numItems), indptr, neighbourIndices, neighbourWeights, params);
  }

  score(history: UserHistory, out: Float32Array): void {
    out.fill(0);
    const { indptr, neighbourIndices, neighbourWeights } = this;
    const { items, weights } = history;
    for (let h = 0; h < items.length; h++) {
      const w = weights[h]!;
      const i = items[h]!;
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) out[neighbourIndices[k]!]! += w * neighbourWeights[k]!;
    }
  }

  explain(history: UserHistory, item: number): number {
    let best = -1;
    let bestValue = 0;
    for (let h = 0; h < history.items.length; h++) {
      const i = history.items[h]!;
      for (let k = this.indptr[i]!; k < this.indptr[i + 1]!; k++) {
        if (this.neighbourIndices[k] !== item) continue;
        const v = history.weights[h]! * this.neighbourWeights[k]!;
        if (v > bestValue) {
          bestValue = v;
          best = h;
        }
      }
    }
    return best;
  }

  /** The item's k nearest neighbours, best first, with their similarity. */
  similar(item: number, k: number): { item: number; score: number }[] {
    const a = this.indptr[item]!;
    const b = Math.min(this.indptr[item + 1]!, a + k);
    const res: { item: number; score: number }[] = [];
    for (let p = a; p < b; p++) res.push({ item: this.neighbourIndices[p]!, score: this.neighbourWeights[p]! });
    return res;
  }

  toParts(): SourceParts {
    return {
      kind: 'cooccurrence',
      params: { numItems: this.numItems, ...this.params },
      arrays: { indptr: this.indptr, neighbourIndices: this.neighbourIndices, neighbourWeights: this.neighbourWeights },
    };
  }
}
