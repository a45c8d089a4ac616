import { describe, expect, it } from 'vitest';
import { buildVectorIndex, createVectorIndex, THREAD_BUILD_MIN } from '../../../shared/vector-index/index.ts';
import { randomVectors } from './random-vectors.ts';

describe('buildVectorIndex', () => {
  it('builds a large HNSW graph in a worker thread that answers exactly as one built in this thread', async () => {
    const n = THREAD_BUILD_MIN + 500;
    const vectors = randomVectors(n, 48, 41);
    const entries = vectors.map((vector, i) => ({ id: `e${i}`, vector }));
    const options = { kind: 'hnsw' as const, dim: 48, m: 12, efConstruction: 80, ef: 40, randomSeed: 7 };
    const threaded = await buildVectorIndex(options, entries);
    const local = createVectorIndex({ ...options, capacity: n });
    await local.addMany(entries);
    expect(threaded.size).toBe(n);
    for (const q of randomVectors(25, 48, 42)) expect(await threaded.search(q, 10)).toEqual(await local.search(q, 10));
    // it is an ordinary index afterwards
    await threaded.remove('e0');
    await threaded.upsert('new', vectors[0]!);
    expect((await threaded.search(vectors[0]!, 1))[0]!.id).toBe('new');
  });

  it('refuses a bad vector with its code, as a build in place does', async () => {
    const entries = randomVectors(THREAD_BUILD_MIN, 8, 43).map((vector, i) => ({ id: `e${i}`, vector }));
    await expect(buildVectorIndex({ kind: 'hnsw', dim: 9 }, entries)).rejects.toMatchObject({ code: 'VECTOR_DIM_MISMATCH' });
    entries[THREAD_BUILD_MIN - 1] = { id: 'bad', vector: new Array<number>(8).fill(Number.NaN) };
    await expect(buildVectorIndex({ kind: 'hnsw', dim: 8 }, entries)).rejects.toMatchObject({ code: 'VECTOR_NOT_FINITE' });
    expect((await buildVectorIndex({ kind: 'flat', dim: 8 }, entries.slice(0, 10))).size).toBe(10);
  });
});
