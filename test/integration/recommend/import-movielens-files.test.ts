// importMovieLens on small folders of its own, over a real SQLite file: what a broken or odd
// MovieLens folder does to the catalog.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogMigrations } from '../../../services/recommend/catalog/catalog.migrations.ts';
import { CatalogRepository } from '../../../services/recommend/catalog/catalog.repository.ts';
import { importMovieLens } from '../../../services/recommend/catalog/import-movielens.ts';
import { openSqlite } from '../../../shared/storage/index.ts';

describe('importMovieLens on odd folders', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'affinity-ml-import-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const folder = (name: string, ratings: string[]) => {
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'ratings.csv'), ['userId,movieId,rating,timestamp', ...ratings, ''].join('\n'));
    writeFileSync(path.join(dir, 'movies.csv'), 'movieId,title,genres\n10,Ten (1995),Drama\n11,Eleven (1996),Comedy\n');
    return dir;
  };
  const repository = async (name: string) => {
    const db = openSqlite({ file: path.join(root, `${name}.db`) });
    await db.migrate(catalogMigrations);
    return { db, repo: new CatalogRepository(db) };
  };

  it('stores a rating repeated in the file once, wherever the copy falls', async () => {
    const { db, repo } = await repository('repeat');
    try {
      const lines = ['1,10,4,964982703', '2,11,3,964982704', '1,10,4,964982703'];
      // one batch, and the copy in the next batch
      expect(await importMovieLens(repo, folder('repeat-one', lines), undefined, 5000)).toMatchObject({ events: 2, duplicates: 1 });
      const { repo: other, db: otherDb } = await repository('repeat-two');
      expect(await importMovieLens(other, folder('repeat-two', lines), undefined, 2)).toMatchObject({ events: 2, duplicates: 1 });
      await otherDb.close();
      expect(await repo.countEvents()).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('refuses a folder rating a movie it does not list before writing anything', async () => {
    const { db, repo } = await repository('stranger');
    try {
      // 3 batches of 2: the stranger in the last one
      const dir = folder('stranger', ['1,10,4,964982703', '2,11,3,964982704', '3,10,5,964982705', '4,11,2,964982706', '5,99,4,964982707']);
      await expect(importMovieLens(repo, dir, undefined, 2)).rejects.toMatchObject({ code: 'EVAL_DATASET_INVALID', details: { item_ids: ['99'] } });
      expect(await repo.countEvents()).toBe(0);
      expect(await repo.allItems()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
