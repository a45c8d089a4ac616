import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../../../shared/vector-index/index.ts';
import { randomVectors } from './random-vectors.ts';
import { describeVectorIndexContract } from './vector-index.contract.ts';
import { repoRoot } from '../../support/paths.ts';

describeVectorIndexContract('hnsw', (o) => new HnswIndex(o), (dir) => HnswIndex.load(dir));

describe('HnswIndex', () => {
  it('doubles its capacity when full and reuses removed slots instead of growing', async () => {
    const vectors = randomVectors(40, 8, 31);
    const index = new HnswIndex({ dim: 8, capacity: 10 });
    await index.addMany(vectors.slice(0, 10).map((vector, i) => ({ id: `a${i}`, vector })));
    expect(index.capacity).toBe(10);
    await index.add('a10', vectors[10]!);
    expect(index.capacity).toBe(20);
    for (let i = 0; i < 5; i++) await index.remove(`a${i}`);
    await index.addMany(vectors.slice(20, 29).map((vector, i) => ({ id: `b${i}`, vector })));
    expect(index.size).toBe(15);
    expect(index.capacity).toBe(20);
  });

  it('scores are cosine similarities (1 - hnswlib distance), not distances', async () => {
    const index = new HnswIndex({ dim: 2 });
    await index.add('east', [2, 0]);
    await index.add('north', [0, 5]);
    await index.add('west', [-1, 0]);
    const hits = await index.search([1, 1], 3);
    expect(hits.map((h) => h.id).slice(0, 2).sort()).toEqual(['east', 'north']);
    expect(hits[0]!.score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(hits[2]).toMatchObject({ id: 'west' });
    expect(hits[2]!.score).toBeCloseTo(-Math.SQRT1_2, 5);
  });

  it('honours the ef of a call and refuses a bad one', async () => {
    const index = new HnswIndex({ dim: 8, ef: 10 });
    await index.addMany(randomVectors(50, 8, 32).map((vector, i) => ({ id: `x${i}`, vector })));
    const q = randomVectors(1, 8, 33)[0]!;
    expect(await index.search(q, 5, { ef: 200 })).toHaveLength(5);
    await expect(index.search(q, 5, { ef: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => new HnswIndex({ dim: 8, m: 0 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

/** Source files under the repository, without node_modules, data and dot folders. */
function sourceFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'data' || e.name.startsWith('.') ? [] : sourceFiles(dir, p);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

describe('hnswlib-node', () => {
  it('gives the event loop back during a large build, runs changes made meanwhile after it in call order, and refuses a save meanwhile', async () => {
    const vectors = randomVectors(6000, 128, 34);
    const index = new HnswIndex({ dim: 128, capacity: 16, efConstruction: 200 });
    // a timer armed before the build must fire while it runs
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let buildDone = false;
    const build = index.addMany(vectors.slice(0, 5999).map((vector, i) => ({ id: `v${i}`, vector }))).then(() => {
      buildDone = true;
      return ticks;
    });
    // called while it builds: each waits for the build, then runs in call order
    const order: string[] = [];
    const removed = index.remove('v0').then((r) => (order.push('remove'), r));
    const upserted = index.upsert('late', vectors[5999]!).then(() => order.push('upsert'));
    const duplicate = index.add('v1', vectors[1]!).catch((err: { code?: string }) => (order.push('duplicate'), err.code));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(index.save(path.join(os.tmpdir(), 'never-written'))).rejects.toMatchObject({ code: 'VECTOR_INDEX_BUSY' });
    // searches do not wait: they see part of the batch
    const during = await index.search(vectors[3]!, 1);
    expect(buildDone).toBe(false);
    const ticksDuringBuild = await build;
    clearInterval(timer);
    expect(ticksDuringBuild).toBeGreaterThan(1);
    expect(during.length).toBeLessThanOrEqual(1);
    expect(await removed).toBe(true);
    await upserted;
    expect(await duplicate).toBe('VECTOR_ID_EXISTS');
    expect(order).toEqual(['remove', 'upsert', 'duplicate']);
    expect(index.size).toBe(5999);
    expect((await index.search(vectors[5999]!, 1))[0]!.id).toBe('late');
  });

  it('is imported by shared/vector-index/hnsw-index.ts and no other source file', () => {
    const importers = sourceFiles(repoRoot).filter((f) =>
      /from\s+['"]hnswlib-node['"]|(require|import)\(\s*['"]hnswlib-node['"]/.test(readFileSync(path.join(repoRoot, f), 'utf8')),
    );
    expect(importers).toEqual([path.join('shared', 'vector-index', 'hnsw-index.ts')]);
  });
});
