import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appError } from '../../../shared/errors/index.ts';
import { readCsv } from '../../../shared/datasets/read-csv.ts';

export interface MovieLensRating {
  userId: string;
  itemId: string;
  rating: number;
  /** Unix seconds. */
  timestamp: number;
}

export interface MovieLensItem {
  id: string;
  title: string;
  genres: string[];
  /** As written in the file (ml-100k: "01-Jan-1995"); absent in the newer layouts. */
  releaseDate?: string;
}

export interface MovieLensData {
  layout: 'ml-100k' | 'ml-1m' | 'ml-latest';
  /** In file order (the split's random keys are drawn in this order). */
  ratings: MovieLensRating[];
  items: MovieLensItem[];
  /** Every genre name, in the file's order where it has one. */
  genres: string[];
}

/** ml-100k's u.genre, for folders that lack it. */
const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

/**
 * Reads a MovieLens folder in any of its layouts:
 * - ml-100k: `u.data` (tab-separated `user item rating timestamp`) and `u.item` (latin-1,
 *   `|`-separated, 19 genre flags at the end; genre names from `u.genre`);
 * - ml-1m / ml-10m: `ratings.dat` and `movies.dat` (`::`-separated, latin-1);
 * - ml-latest / ml-20m / ml-25m: `ratings.csv` and `movies.csv` (header rows, quoted titles,
 *   `|`-separated genres).
 *
 * @example const { ratings, items } = readMovieLens('../shared/data/movielens-100k');
 */
export function readMovieLens(dir: string): MovieLensData {
  if (!existsSync(dir)) throw appError('EVAL_DATASET_NOT_FOUND', `no MovieLens folder at ${dir}`, { dir });
  if (existsSync(path.join(dir, 'u.data'))) return read100k(dir);
  if (existsSync(path.join(dir, 'ratings.dat'))) return read1m(dir);
  if (existsSync(path.join(dir, 'ratings.csv'))) return readLatest(dir);
  throw appError('EVAL_DATASET_NOT_FOUND', `${dir} holds none of u.data, ratings.dat, ratings.csv`, { dir });
}

function read100k(dir: string): MovieLensData {
  const ratings = parseRatings(readText(dir, 'u.data', 'utf8'), '\t', false, 'u.data');
  const genreFile = path.join(dir, 'u.genre');
  const genres = existsSync(genreFile)
    ? readText(dir, 'u.genre', 'latin1')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => l.slice(0, l.lastIndexOf('|')))
    : ML100K_GENRES;
  const items: MovieLensItem[] = [];
  for (const line of readText(dir, 'u.item', 'latin1').split('\n')) {
    if (!line.trim()) continue;
    const f = line.replace(/\r$/, '').split('|');
    if (f.length < 5 + genres.length) throw appError('EVAL_DATASET_INVALID', `u.item: line "${line.slice(0, 60)}" has ${f.length} fields`);
    const flags = f.slice(f.length - genres.length);
    const itemGenres = genres.filter((_, g) => flags[g] === '1');
    items.push({ ...movie(f[0], f[1], 'u.item', line), genres: itemGenres, ...(f[2] ? { releaseDate: f[2] } : {}) });
  }
  return { layout: 'ml-100k', ratings, items, genres };
}

function read1m(dir: string): MovieLensData {
  const ratings = parseRatings(readText(dir, 'ratings.dat', 'latin1'), '::', false, 'ratings.dat');
  const items: MovieLensItem[] = [];
  for (const line of readText(dir, 'movies.dat', 'latin1').split('\n')) {
    if (!line.trim()) continue;
    const f = line.replace(/\r$/, '').split('::');
    if (f.length < 3) throw appError('EVAL_DATASET_INVALID', `movies.dat: line "${line.slice(0, 60)}" has ${f.length} fields`);
    items.push({ ...movie(f[0], f[1], 'movies.dat', line), genres: splitGenres(f[2]!) });
  }
  return { layout: 'ml-1m', ratings, items, genres: genresOf(items) };
}

function readLatest(dir: string): MovieLensData {
  const ratings = parseRatings(readText(dir, 'ratings.csv', 'utf8'), ',', true, 'ratings.csv');
  const moviesFile = path.join(dir, 'movies.csv');
  if (!existsSync(moviesFile)) throw appError('EVAL_DATASET_NOT_FOUND', `${dir} has ratings.csv but no movies.csv`, { file: moviesFile });
  const items = readCsv(moviesFile).map((r, i) => ({ ...movie(r.movieId, r.title, 'movies.csv', `row ${i + 2}`), genres: splitGenres(r.genres ?? '') }));
  return { layout: 'ml-latest', ratings, items, genres: genresOf(items) };
}

/** A movie's id and title, both required: an item without either is refused by the API too. */
function movie(id: string | undefined, title: string | undefined, file: string, where: string): { id: string; title: string } {
  if (!id?.trim() || !title?.trim()) {
    throw appError('EVAL_DATASET_INVALID', `${file}: ${where.startsWith('row') ? where : `line "${where.slice(0, 60)}"`} has no ${id?.trim() ? 'title' : 'movie id'}`, { file });
  }
  return { id, title };
}

function readText(dir: string, file: string, encoding: BufferEncoding): string {
  const p = path.join(dir, file);
  try {
    return readFileSync(p, encoding);
  } catch (err) {
    throw appError('EVAL_DATASET_NOT_FOUND', `cannot read ${p}: ${err instanceof Error ? err.message : String(err)}`, { file: p });
  }
}

/** `user SEP item SEP rating SEP timestamp` lines (ratings files can be large: no per-line regex). */
function parseRatings(text: string, sep: string, header: boolean, file: string): MovieLensRating[] {
  const out: MovieLensRating[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    const first = lineNo++ === 0;
    if (!line) continue;
    const f = line.split(sep);
    // Number('') is 0: an empty field is no rating or time
    const rating = f[2]?.trim() ? Number(f[2]) : NaN;
    const timestamp = f[3]?.trim() ? Number(f[3]) : NaN;
    // the header row, where the file has one (a file without it loses no rating)
    if (first && header && !Number.isFinite(rating)) continue;
    if (f.length < 4 || !f[0] || !f[1] || !Number.isFinite(rating) || !Number.isFinite(timestamp)) {
      throw appError('EVAL_DATASET_INVALID', `${file}:${lineNo}: expected user, item, rating, timestamp; got "${line.slice(0, 60)}"`, { file, line: lineNo });
    }
    out.push({ userId: f[0], itemId: f[1], rating, timestamp });
  }
  return out;
}

function splitGenres(s: string): string[] {
  return s === '(no genres listed)' || !s ? [] : s.split('|');
}

function genresOf(items: MovieLensItem[]): string[] {
  const set = new Set<string>();
  for (const it of items) for (const g of it.genres) set.add(g);
  return [...set].sort();
}
