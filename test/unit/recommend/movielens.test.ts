import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMovieLens } from '../../../services/recommend/eval/movielens.ts';

describe('readMovieLens', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), `affinity-ml-${process.pid}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the ml-100k layout, u.item as latin-1 with genre flags', () => {
    const dir = path.join(root, '100k');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'u.data'), '196\t242\t3\t881250949\n186\t302\t3\t891717742\n');
    writeFileSync(path.join(dir, 'u.genre'), 'unknown|0\nAction|1\nComedy|2\n\n');
    const flags = (a: string) => a.split('').join('|');
    const lines = [`242|Kolya (1996)|24-Jan-1997||http://x|${flags('001')}`, `302|\xC1 k\xF6ldum klaka (1994)|01-Jan-1994||http://y|${flags('110')}`];
    writeFileSync(path.join(dir, 'u.item'), Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    const d = readMovieLens(dir);
    expect(d.layout).toBe('ml-100k');
    expect(d.ratings).toEqual([
      { userId: '196', itemId: '242', rating: 3, timestamp: 881250949 },
      { userId: '186', itemId: '302', rating: 3, timestamp: 891717742 },
    ]);
    expect(d.genres).toEqual(['unknown', 'Action', 'Comedy']);
    expect(d.items[0]).toEqual({ id: '242', title: 'Kolya (1996)', genres: ['Comedy'], releaseDate: '24-Jan-1997' });
    expect(d.items[1]!.title).toBe('Á köldum klaka (1994)');
    expect(d.items[1]!.genres).toEqual(['unknown', 'Action']);
  });

  it('reads ratings.csv / movies.csv with quoted titles', () => {
    const dir = path.join(root, 'latest');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\r\n1,10,4.5,964982703\r\n2,11,3.0,964982224\r\n');
    writeFileSync(path.join(dir, 'movies.csv'), 'movieId,title,genres\n10,"American President, The (1995)",Comedy|Drama|Romance\n11,Nothing (2000),(no genres listed)\n');
    const d = readMovieLens(dir);
    expect(d.layout).toBe('ml-latest');
    expect(d.ratings[0]).toEqual({ userId: '1', itemId: '10', rating: 4.5, timestamp: 964982703 });
    expect(d.items[0]).toEqual({ id: '10', title: 'American President, The (1995)', genres: ['Comedy', 'Drama', 'Romance'] });
    expect(d.items[1]!.genres).toEqual([]);
    expect(d.genres).toEqual(['Comedy', 'Drama', 'Romance']);
  });

  it('fails with a code on a missing folder or a broken line', () => {
    expect(() => readMovieLens(path.join(root, 'nope'))).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_NOT_FOUND' }));
    const dir = path.join(root, 'broken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'u.data'), '1\t2\tthree\t4\n');
    writeFileSync(path.join(dir, 'u.item'), '');
    expect(() => readMovieLens(dir)).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_INVALID' }));
  });

  const latest = (name: string, ratings: string, movies?: string) => {
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'ratings.csv'), ratings);
    if (movies !== undefined) writeFileSync(path.join(dir, 'movies.csv'), movies);
    return dir;
  };
  const MOVIES = 'movieId,title,genres\n10,Ten (1995),Drama\n';

  it.each([
    ['an empty rating', 'userId,movieId,rating,timestamp\n1,10,,964982703\n'],
    ['an empty timestamp', 'userId,movieId,rating,timestamp\n1,10,4,\n'],
  ])('refuses %s (it read as 0)', (name, ratings) => {
    expect(() => readMovieLens(latest(name.replaceAll(' ', '-'), ratings, MOVIES))).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_INVALID' }));
  });

  it('refuses a movie without an id or a title, and ratings.csv without movies.csv', () => {
    const ratings = 'userId,movieId,rating,timestamp\n1,10,4,964982703\n';
    expect(() => readMovieLens(latest('no-title', ratings, 'movieId,title,genres\n10\n'))).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_INVALID', message: expect.stringContaining('row 2 has no title') }));
    expect(() => readMovieLens(latest('no-id', ratings, 'movieId,title,genres\n,No Id,Drama\n'))).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_INVALID', message: expect.stringContaining('no movie id') }));
    expect(() => readMovieLens(latest('no-movies', ratings))).toThrow(expect.objectContaining({ code: 'EVAL_DATASET_NOT_FOUND', message: expect.stringContaining('no movies.csv') }));
  });

  it('reads a ratings.csv without its header row whole', () => {
    const d = readMovieLens(latest('headless', '1,10,4,964982703\n2,10,3,964982704\n', MOVIES));
    expect(d.ratings.map((r) => r.userId)).toEqual(['1', '2']);
  });
});
