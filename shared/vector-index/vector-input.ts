// Checks shared by every backend, so they all refuse the same inputs with the same codes.
import { appError } from '../errors/index.ts';
import type { Vector, VectorEntry, VectorMetric } from './vector-index.ts';

/** Throws `VECTOR_DIM_MISMATCH` or `VECTOR_NOT_FINITE`; `what` names the vector in the message. */
export function checkVector(vector: Vector, dim: number, what: string): void {
  if (vector === null || typeof vector !== 'object' || typeof vector.length !== 'number') {
    throw appError('VECTOR_DIM_MISMATCH', `${what} is not an array of numbers`, { expected: dim });
  }
  if (vector.length !== dim) {
    throw appError('VECTOR_DIM_MISMATCH', `${what} has ${vector.length} dimensions; this index has ${dim}`, { expected: dim, got: vector.length });
  }
  for (let i = 0; i < dim; i++) {
    // `x - x` is 0 for finite numbers and NaN for NaN, ±Infinity and non-numbers
    const x = vector[i] as number;
    if (x - x !== 0) throw appError('VECTOR_NOT_FINITE', `${what}[${i}] is ${String(x)}; every component must be a finite number`, { index: i });
  }
}

/**
 * Checks a batch to add: valid ids, none already in the index (`has`) or twice in the batch,
 * every vector of `dim` finite numbers. Throws before anything is added.
 */
export function checkNewEntries(batch: readonly VectorEntry[], has: (id: string) => boolean, dim: number): void {
  const seen = new Set<string>();
  batch.forEach(({ id, vector }, i) => {
    checkId(id);
    if (has(id) || seen.has(id)) throw appError('VECTOR_ID_EXISTS', `id "${id}" is already in the index (upsert replaces)`, { id });
    seen.add(id);
    checkVector(vector, dim, `vector ${i} (id "${id}")`);
  });
}

export function checkId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) throw appError('VALIDATION_FAILED', 'a vector id must be a non-empty string');
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw appError('VALIDATION_FAILED', `k must be a positive integer, got ${String(k)}`, { k });
}

export function checkPositiveInt(name: string, value: number, max = 2 ** 31 - 1): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw appError('VALIDATION_FAILED', `${name} must be an integer in [1, ${max}], got ${String(value)}`, { [name]: value });
  }
}

export function checkDim(dim: number): void {
  checkPositiveInt('dim', dim, 65_536);
}

export function checkMetric(metric: string): asserts metric is VectorMetric {
  if (metric !== 'cosine' && metric !== 'ip') throw appError('VALIDATION_FAILED', `metric must be "cosine" or "ip", got "${metric}"`);
}

/** Writes `vector` into `out` at `offset`, scaled to unit length when `normalize` (a zero vector stays zero). */
export function copyVector(vector: Vector, out: Float32Array, offset: number, dim: number, normalize: boolean): void {
  let scale = 1;
  if (normalize) {
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const x = vector[i] as number;
      sum += x * x;
    }
    scale = sum > 0 ? 1 / Math.sqrt(sum) : 1;
  }
  for (let i = 0; i < dim; i++) out[offset + i] = (vector[i] as number) * scale;
}
