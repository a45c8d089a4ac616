import type { ScoredId } from './bm25-index.ts';

/**
 * Reciprocal rank fusion (Cormack et al. 2009): each list contributes 1 / (c + rank) per id.
 * Robust to lists whose scores live on different scales (BM25 vs cosine).
 * @example fuseRrf([bm25Hits, denseHits], 10)
 */
export function fuseRrf(lists: readonly (readonly ScoredId[])[], k: number, c = 60, weights?: readonly number[]): ScoredId[] {
  const fused = new Map<string, number>();
  lists.forEach((list, li) => {
    const w = weights?.[li] ?? 1;
    list.forEach((hit, rank) => fused.set(hit.id, (fused.get(hit.id) ?? 0) + w / (c + rank + 1)));
  });
  return [...fused]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}
