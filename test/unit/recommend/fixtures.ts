import { InteractionMatrix, type Interaction } from '../../../services/recommend/models/interaction-matrix.ts';
import { seededRandom } from '../../../services/recommend/models/seeded-random.ts';

/**
 * Two taste groups: users u0..u(n/2-1) interact with items a0..a9, the rest with b0..b9, each
 * with a seeded random subset of 6 items plus one shared popular item 'pop'.
 */
export function twoGroups(users = 40, seed = 1): Interaction[] {
  const rng = seededRandom(seed);
  const out: Interaction[] = [];
  for (let u = 0; u < users; u++) {
    const group = u < users / 2 ? 'a' : 'b';
    const items = new Set<number>();
    while (items.size < 6) items.add(Math.floor(rng.next() * 10));
    let t = 1_000_000 + u * 10_000;
    for (const i of items) out.push({ userId: `u${u}`, itemId: `${group}${i}`, weight: 1, timestamp: (t += 60) });
    out.push({ userId: `u${u}`, itemId: 'pop', weight: 1, timestamp: (t += 60) });
  }
  return out;
}

export const CATALOGUE = ['pop', ...Array.from({ length: 10 }, (_, i) => `a${i}`), ...Array.from({ length: 10 }, (_, i) => `b${i}`)];

export function twoGroupMatrix(): InteractionMatrix {
  return InteractionMatrix.fromInteractions(twoGroups(), { itemIds: CATALOGUE });
}

/** Dense row-major copy of a CSR matrix. */
export function dense(m: InteractionMatrix): Float64Array {
  const x = new Float64Array(m.numUsers * m.numItems);
  for (let u = 0; u < m.numUsers; u++) for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) x[u * m.numItems + m.indices[k]!] = m.values[k]!;
  return x;
}

/** Gauss-Jordan inverse with partial pivoting: the slow, obvious reference. */
export function referenceInverse(a: Float64Array, n: number): Float64Array {
  const m = Array.from({ length: n }, (_, i) => [...Array.from(a.subarray(i * n, i * n + n)), ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[i]![n + j]!;
  return out;
}
