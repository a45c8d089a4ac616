import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EmbedService } from '../../embed/index.ts';
import { itemText, textHash, vectorSpace } from '../../embed/index.ts';
import type { Item } from '../catalog/catalog.schema.ts';
import type { ItemVectorRepository } from './item-vector.repository.ts';

const EMBED_CHUNK = 256;
/**
 * Items whose stored vectors are looked up between two turns of the event loop: a serving
 * process reloading its whole catalog after the nightly refresh answers requests meanwhile
 * (the 2,182 items of the soak's catalog took one 20–30 ms stretch in one go).
 */
const LOOKUP_SLICE = 250;

/**
 * Item vectors, read through the stored ones: what was embedded before (by this process, a
 * worker or an earlier run) is read back; the rest is embedded and stored.
 * @example const vectors = await embedder.vectors(items) // one per item, in order
 */
export class ItemEmbedder {
  constructor(
    private readonly embed: EmbedService,
    private readonly template: string,
    private readonly store?: ItemVectorRepository,
  ) {}

  /** The current encoder's dimension (0 before it is loaded). */
  get dim(): number {
    return this.embed.info?.dim ?? 0;
  }

  text(item: Item): string {
    return itemText(item, this.template);
  }

  /** Returns one vector per item and how many had to be embedded now. */
  async vectors(items: readonly Item[]): Promise<{ vectors: Float32Array[]; embedded: number }> {
    const out: Float32Array[] = new Array(items.length);
    const texts: string[] = new Array(items.length);
    const hashes: string[] = new Array(items.length);
    const space = this.store && this.embed.info ? vectorSpace(this.embed.info) : undefined;
    const missing: number[] = [];
    for (let start = 0; start < items.length; start += LOOKUP_SLICE) {
      if (start > 0) await nextTurn();
      const end = Math.min(items.length, start + LOOKUP_SLICE);
      for (let i = start; i < end; i++) {
        texts[i] = this.text(items[i]!);
        hashes[i] = textHash(texts[i]!);
      }
      const stored = this.store && space ? await this.store.get(space, items.slice(start, end).map((it) => it.id)) : undefined;
      for (let i = start; i < end; i++) {
        const hit = stored?.get(items[i]!.id);
        if (hit && hit.textHash === hashes[i] && hit.vector.length === this.embed.info?.dim) out[i] = hit.vector;
        else missing.push(i);
      }
    }
    for (let c = 0; c < missing.length; c += EMBED_CHUNK) {
      const part = missing.slice(c, c + EMBED_CHUNK);
      const { vectors } = await this.embed.embedAll(part.map((i) => texts[i]!));
      part.forEach((i, j) => (out[i] = vectors[j]!));
      if (this.store && space) await this.store.put(space, part.map((i, j) => ({ id: items[i]!.id, textHash: hashes[i]!, vector: vectors[j]! })));
    }
    return { vectors: out, embedded: missing.length };
  }
}
