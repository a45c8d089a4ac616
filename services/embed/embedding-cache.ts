import { LRUCache } from 'lru-cache';

export interface CachedEmbedding {
  vector: Float32Array;
  tokens: number;
  truncated: boolean;
}

/**
 * LRU cache of embeddings keyed by (model, text). Vectors are shared, never mutated:
 * callers copy before changing one.
 */
export class EmbeddingCache {
  private readonly lru: LRUCache<string, CachedEmbedding> | undefined;

  constructor(maxEntries: number) {
    this.lru = maxEntries > 0 ? new LRUCache({ max: maxEntries }) : undefined;
  }

  private static key(model: string, text: string): string {
    return `${model}\u0000${text}`;
  }

  get(model: string, text: string): CachedEmbedding | undefined {
    return this.lru?.get(EmbeddingCache.key(model, text));
  }

  set(model: string, text: string, value: CachedEmbedding): void {
    this.lru?.set(EmbeddingCache.key(model, text), value);
  }

  /** Drops every entry of a model (when it is replaced). */
  dropModel(model: string): void {
    if (!this.lru) return;
    const prefix = `${model}\u0000`;
    for (const k of this.lru.keys()) if (k.startsWith(prefix)) this.lru.delete(k);
  }

  /** Drops every entry (a user's erasure: cached texts may be theirs). */
  clear(): void {
    this.lru?.clear();
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
