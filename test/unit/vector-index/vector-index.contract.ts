// The behaviour every VectorIndex backend must have. Each backend's test file runs it:
//   describeVectorIndexContract('hnsw', (o) => new HnswIndex(o), (dir) => HnswIndex.load(dir))
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VectorIndex, VectorMetric } from '../../../shared/vector-index/index.ts';
import { exactTopK, randomVectors } from './random-vectors.ts';

export type MakeIndex = (options: { dim: number; metric?: VectorMetric; capacity?: number }) => VectorIndex;
export type LoadIndex = (dir: string) => Promise<VectorIndex>;

const DIM = 16;
const entries = (vectors: number[][], prefix = 'item-') => vectors.map((vector, i) => ({ id: `${prefix}${i}`, vector }));
const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

async function filled(make: MakeIndex, count: number, metric: VectorMetric = 'cosine', seed = 1) {
  const vectors = randomVectors(count, DIM, seed);
  const index = make({ dim: DIM, metric });
  await index.addMany(entries(vectors));
  return { index, items: new Map(entries(vectors).map((e) => [e.id, e.vector])) };
}

export function describeVectorIndexContract(name: string, make: MakeIndex, load: LoadIndex): void {
  describe(`VectorIndex contract: ${name}`, () => {
    let tmp: string;
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), `affinity-${name}-index-`));
    });
    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('an empty index has size 0 and finds nothing', async () => {
      const index = make({ dim: DIM });
      expect(index).toMatchObject({ size: 0, dim: DIM, metric: 'cosine' });
      expect(index.has('x')).toBe(false);
      expect(await index.search(randomVectors(1, DIM, 9)[0]!, 5)).toEqual([]);
    });

    it.each(['cosine', 'ip'] as const)('returns the exact top k, best first, with %s scores', async (metric) => {
      const { index, items } = await filled(make, 300, metric);
      expect(index.size).toBe(300);
      for (const query of randomVectors(20, DIM, 2)) {
        const hits = await index.search(query, 10);
        const want = exactTopK(items, query, 10, metric);
        expect(ids(hits)).toEqual(ids(want));
        hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 4));
      }
    });

    it('accepts typed arrays as vectors and queries', async () => {
      const index = make({ dim: 3 });
      await index.add('a', new Float32Array([1, 0, 0]));
      await index.add('b', Float64Array.from([0, 1, 0]));
      const [hit] = await index.search(new Float32Array([0.1, 0.9, 0]), 1);
      expect(hit?.id).toBe('b');
    });

    it('add refuses an id already there; a rejected batch changes nothing', async () => {
      const index = make({ dim: DIM });
      const [v1, v2, v3] = randomVectors(3, DIM, 3);
      await index.add('a', v1!);
      await expect(index.add('a', v2!)).rejects.toMatchObject({ code: 'VECTOR_ID_EXISTS' });
      await expect(index.addMany([{ id: 'b', vector: v2! }, { id: 'b', vector: v3! }])).rejects.toMatchObject({ code: 'VECTOR_ID_EXISTS' });
      await expect(index.addMany([{ id: 'c', vector: v2! }, { id: 'd', vector: [1, 2] }])).rejects.toMatchObject({ code: 'VECTOR_DIM_MISMATCH' });
      expect(index.size).toBe(1);
      expect(index.has('b') || index.has('c')).toBe(false);
    });

    it('upsert inserts, then replaces the vector of an existing id', async () => {
      const { index } = await filled(make, 50);
      const [v1, v2] = randomVectors(2, DIM, 4);
      await index.upsert('x', v1!);
      expect(index.size).toBe(51);
      await index.upsert('x', v2!);
      expect(index.size).toBe(51);
      const [top] = await index.search(v2!, 1);
      expect(top).toMatchObject({ id: 'x' });
      expect(top!.score).toBeCloseTo(1, 5);
      const old = await index.search(v1!, 51);
      expect(old.find((h) => h.id === 'x')!.score).toBeLessThan(0.99);
    });

    it('a removed id never comes back, also after save and load; it can be added again', async () => {
      const { index, items } = await filled(make, 200);
      const removed = ['item-0', 'item-17', 'item-42', 'item-199'];
      for (const id of removed) expect(await index.remove(id)).toBe(true);
      expect(await index.remove('item-0')).toBe(false);
      expect(await index.remove('never-there')).toBe(false);
      expect(index.size).toBe(196);
      expect(index.has('item-17')).toBe(false);
      const check = async (ix: VectorIndex) => {
        for (const id of removed) {
          const hits = await ix.search(items.get(id)!, 196);
          expect(hits).toHaveLength(196);
          expect(ids(hits)).not.toContain(id);
        }
      };
      await check(index);
      const dir = path.join(tmp, 'removed');
      await index.save(dir);
      const loaded = await load(dir);
      expect(loaded.size).toBe(196);
      await check(loaded);
      // a new id takes a removed one's place; the removed ids stay gone
      await loaded.add('fresh', items.get('item-42')!);
      const [top] = await loaded.search(items.get('item-42')!, 1);
      expect(top?.id).toBe('fresh');
      await check(loaded);
      await loaded.add('item-17', items.get('item-17')!);
      expect((await loaded.search(items.get('item-17')!, 1))[0]?.id).toBe('item-17');
    });

    it('a filter is respected and the result is the exact top k of what passes', async () => {
      const { index, items } = await filled(make, 300);
      const even = (id: string) => Number(id.slice(5)) % 2 === 0;
      const rare = (id: string) => Number(id.slice(5)) % 50 === 0; // 6 ids pass
      for (const query of randomVectors(10, DIM, 5)) {
        expect(ids(await index.search(query, 10, { filter: even }))).toEqual(ids(exactTopK(items, query, 10, 'cosine', even)));
        const few = await index.search(query, 10, { filter: rare });
        expect(ids(few).sort()).toEqual(ids(exactTopK(items, query, 10, 'cosine', rare)).sort());
      }
      expect(await index.search(randomVectors(1, DIM, 6)[0]!, 5, { filter: () => false })).toEqual([]);
    });

    it('an exception thrown by a filter reaches the caller', async () => {
      const { index } = await filled(make, 20);
      await expect(index.search(randomVectors(1, DIM, 7)[0]!, 5, { filter: () => { throw new Error('filter broke'); } })).rejects.toThrow('filter broke');
    });

    it('grows past its initial capacity', async () => {
      const vectors = randomVectors(500, DIM, 8);
      const index = make({ dim: DIM, capacity: 4 });
      for (let i = 0; i < 250; i++) await index.add(`item-${i}`, vectors[i]!);
      await index.addMany(entries(vectors.slice(250), 'more-'));
      expect(index.size).toBe(500);
      for (const i of [0, 3, 4, 249, 250, 499]) {
        const id = i < 250 ? `item-${i}` : `more-${i - 250}`;
        expect((await index.search(vectors[i]!, 1))[0]?.id).toBe(id);
      }
    });

    it('save and load round-trip: same size, metric and answers; the loaded index accepts changes', async () => {
      const { index } = await filled(make, 150, 'ip');
      const dir = path.join(tmp, 'round-trip');
      await index.save(dir);
      await index.save(dir); // saving over a previous save is fine
      const loaded = await load(dir);
      expect(loaded).toMatchObject({ kind: index.kind, size: 150, dim: DIM, metric: 'ip' });
      for (const query of randomVectors(10, DIM, 10)) {
        const [a, b] = [await index.search(query, 10), await loaded.search(query, 10)];
        expect(ids(b)).toEqual(ids(a));
        b.forEach((h, i) => expect(h.score).toBeCloseTo(a[i]!.score, 5));
      }
      await loaded.add('new', randomVectors(1, DIM, 11)[0]!);
      expect(loaded.size).toBe(151);
    });

    it('refuses a corrupted binary and a missing folder with their codes', async () => {
      const { index } = await filled(make, 100);
      const dir = path.join(tmp, 'corrupt');
      await index.save(dir);
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { binary: { file: string } };
      const file = path.join(dir, manifest.binary.file);
      const bytes = await readFile(file);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0xff;
      await writeFile(file, bytes);
      await expect(load(dir)).rejects.toMatchObject({ code: 'VECTOR_INDEX_CORRUPT' });
      await writeFile(path.join(dir, 'manifest.json'), '{"format":');
      await expect(load(dir)).rejects.toMatchObject({ code: 'VECTOR_INDEX_CORRUPT' });
      await expect(load(path.join(tmp, 'nothing-here'))).rejects.toMatchObject({ code: 'VECTOR_INDEX_NOT_FOUND' });
    });

    it('k larger than the index returns every id once', async () => {
      const { index } = await filled(make, 12);
      const hits = await index.search(randomVectors(1, DIM, 12)[0]!, 100);
      expect(new Set(ids(hits)).size).toBe(12);
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    });

    it('refuses wrong dimensions, non-finite values and a bad k with codes', async () => {
      const { index } = await filled(make, 10);
      await expect(index.add('x', [1, 2, 3])).rejects.toMatchObject({ code: 'VECTOR_DIM_MISMATCH', status: 400 });
      await expect(index.upsert('item-1', new Array(DIM + 1).fill(0))).rejects.toMatchObject({ code: 'VECTOR_DIM_MISMATCH' });
      await expect(index.search([1, 2], 3)).rejects.toMatchObject({ code: 'VECTOR_DIM_MISMATCH' });
      await expect(index.add('y', [...new Array(DIM - 1).fill(0), Number.NaN])).rejects.toMatchObject({ code: 'VECTOR_NOT_FINITE' });
      await expect(index.search(new Array(DIM).fill(Number.POSITIVE_INFINITY), 3)).rejects.toMatchObject({ code: 'VECTOR_NOT_FINITE' });
      await expect(index.search(new Array(DIM).fill(1), 0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(index.add('', new Array(DIM).fill(1))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(index.size).toBe(10);
    });

    it('refuses changes while a save runs, searches go on', async () => {
      const { index } = await filled(make, 50);
      const v = randomVectors(1, DIM, 13)[0]!;
      const saving = index.save(path.join(tmp, 'busy'));
      await expect(index.add('x', v)).rejects.toMatchObject({ code: 'VECTOR_INDEX_BUSY' });
      await expect(index.remove('item-1')).rejects.toMatchObject({ code: 'VECTOR_INDEX_BUSY' });
      expect(await index.search(v, 3)).toHaveLength(3);
      await saving;
      await index.add('x', v);
      expect(index.size).toBe(51);
    });

    it('a disposed index refuses every call', async () => {
      const { index } = await filled(make, 10);
      await index.dispose();
      await index.dispose();
      await expect(index.search(new Array(DIM).fill(1), 3)).rejects.toMatchObject({ code: 'VECTOR_INDEX_DISPOSED' });
      await expect(index.add('z', new Array(DIM).fill(1))).rejects.toMatchObject({ code: 'VECTOR_INDEX_DISPOSED' });
    });
  });
}
