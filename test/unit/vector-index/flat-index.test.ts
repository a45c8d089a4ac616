import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../../../shared/vector-index/index.ts';
import { exactTopK, randomVectors } from './random-vectors.ts';
import { describeVectorIndexContract } from './vector-index.contract.ts';

describeVectorIndexContract('flat', (o) => new FlatIndex(o), (dir) => FlatIndex.load(dir));

describe('FlatIndex', () => {
  it('stays exact through removals that move rows (dimension not a multiple of 4)', async () => {
    const dim = 7;
    const vectors = randomVectors(100, dim, 21);
    const index = new FlatIndex({ dim, capacity: 3 });
    const items = new Map(vectors.map((v, i) => [`v${i}`, v]));
    await index.addMany([...items].map(([id, vector]) => ({ id, vector })));
    for (let i = 0; i < 100; i += 3) {
      await index.remove(`v${i}`);
      items.delete(`v${i}`);
    }
    for (const q of randomVectors(10, dim, 22)) {
      expect((await index.search(q, 8)).map((h) => h.id)).toEqual(exactTopK(items, q, 8, 'cosine').map((h) => h.id));
    }
  });
});
