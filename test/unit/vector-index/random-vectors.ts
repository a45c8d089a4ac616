// Seeded vectors and a reference exact search for the vector index tests.
import type { VectorMetric } from '../../../shared/vector-index/index.ts';

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVectors(count: number, dim: number, seed: number): number[][] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => rnd() * 2 - 1));
}

function similarity(a: number[], b: number[], metric: VectorMetric): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return metric === 'ip' ? dot : dot / Math.sqrt(na * nb);
}

/** The exact top k of `items` for `query`, computed the slow obvious way. */
export function exactTopK(items: Map<string, number[]>, query: number[], k: number, metric: VectorMetric, filter?: (id: string) => boolean) {
  return [...items]
    .filter(([id]) => !filter || filter(id))
    .map(([id, v]) => ({ id, score: similarity(query, v, metric) }))
    .sort((x, y) => y.score - x.score)
    .slice(0, k);
}
