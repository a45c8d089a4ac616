import { describe, expect, it } from 'vitest';
import type { EmbedService } from '../../../services/embed/index.ts';
import type { Item } from '../../../services/recommend/catalog/catalog.schema.ts';
import { ItemEmbedder } from '../../../services/recommend/embedding/item-embedder.ts';
import type { ItemVectorRepository } from '../../../services/recommend/embedding/item-vector.repository.ts';

// ItemEmbedder's bookkeeping alone: which items it embeds and which it reads back from the
// store, over several lookup slices. The encoder and the store are stand-ins (the real ones
// are covered by the embed and storage suites).
const DIM = 4;

function fakeEncoder() {
  const embedded: string[] = [];
  const encoder = {
    info: { id: 'fake', dir: '', dim: DIM, dtype: 'fp32', provider: 'cpu', pooling: 'mean', normalize: true, maxLength: 64, workers: 1, randomWeights: true },
    async embed(texts: string[]) {
      embedded.push(...texts);
      // a vector that names its text: its length and first character code
      return { vectors: texts.map((t) => Float32Array.from([t.length, t.charCodeAt(0), 0, 1])) };
    },
    // the service's bulk path: in parts, each through embed
    async embedAll(texts: string[]) {
      return this.embed(texts);
    },
  };
  return { encoder: encoder as unknown as EmbedService, embedded };
}

function fakeStore() {
  const rows = new Map<string, { textHash: string; vector: Float32Array }>();
  let lookups = 0;
  const store = {
    async get(space: string, ids: readonly string[]) {
      lookups++;
      const out = new Map<string, { textHash: string; vector: Float32Array }>();
      for (const id of ids) {
        const r = rows.get(`${space}|${id}`);
        if (r) out.set(id, r);
      }
      return out;
    },
    async put(space: string, put: readonly { id: string; textHash: string; vector: Float32Array }[]) {
      for (const r of put) rows.set(`${space}|${r.id}`, { textHash: r.textHash, vector: r.vector });
    },
  };
  return { store: store as unknown as ItemVectorRepository, lookups: () => lookups };
}

const item = (i: number, title = `Item number ${i}`): Item => ({ id: `i${i}`, title, in_stock: true }) as Item;

describe('ItemEmbedder', () => {
  it('embeds each item once, reads unchanged ones back from the store in every slice, and re-embeds only changed texts', async () => {
    const { encoder, embedded } = fakeEncoder();
    const { store, lookups } = fakeStore();
    const embedder = new ItemEmbedder(encoder, '{title}', store);
    const items = Array.from({ length: 600 }, (_, i) => item(i));

    const first = await embedder.vectors(items);
    expect(first.embedded).toBe(600);
    expect(embedded).toHaveLength(600);
    expect(lookups()).toBe(3); // 600 items in slices of 250

    embedded.length = 0;
    const again = await embedder.vectors(items);
    expect(again.embedded).toBe(0);
    expect(embedded).toEqual([]);
    expect(again.vectors).toEqual(first.vectors);

    // changed texts in the first, second and last slice
    const changed = items.map((it, i) => ([0, 260, 599].includes(i) ? item(i, `Renamed ${i}`) : it));
    const third = await embedder.vectors(changed);
    expect(third.embedded).toBe(3);
    expect(embedded).toEqual(['Renamed 0', 'Renamed 260', 'Renamed 599']);
    third.vectors.forEach((v, i) => expect(Array.from(v)).toEqual([embedder.text(changed[i]!).length, embedder.text(changed[i]!).charCodeAt(0), 0, 1]));
  });
});
