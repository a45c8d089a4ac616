import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../shared/search/bm25-index.ts';
import { fuseRrf } from '../../../shared/search/rank-fusion.ts';
import { terms } from '../../../shared/search/text-terms.ts';

describe('terms', () => {
  it('lower-cases, splits on non-letters, drops stopwords and plural s', () => {
    expect(terms('The Red Running Shoes, size 42!')).toEqual(['red', 'running', 'shoe', 'size', '42']);
    expect(terms('Café crème')).toEqual(['café', 'crème']);
    expect(terms('glass')).toEqual(['glass']);
  });
});

describe('Bm25Index', () => {
  const idx = new Bm25Index();
  idx.upsert('shoe', 'Trail running shoe, waterproof');
  idx.upsert('sock', 'Running socks, merino wool');
  idx.upsert('mug', 'Ceramic coffee mug');

  it('ranks documents by matching terms, rarer terms weigh more', () => {
    const hits = idx.search('waterproof running shoes', 10);
    expect(hits.map((h) => h.id)).toEqual(['shoe', 'sock']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('applies the filter and returns nothing for unknown terms', () => {
    expect(idx.search('running', 10, (id) => id !== 'shoe').map((h) => h.id)).toEqual(['sock']);
    expect(idx.search('bicycle', 10)).toEqual([]);
  });

  it('updates and removes documents in place', () => {
    const i = new Bm25Index();
    i.upsert('a', 'red mug');
    i.upsert('a', 'blue mug');
    expect(i.search('red', 5)).toEqual([]);
    expect(i.search('blue', 5).map((h) => h.id)).toEqual(['a']);
    expect(i.remove('a')).toBe(true);
    expect(i.search('mug', 5)).toEqual([]);
    expect(i.size).toBe(0);
    i.upsert('b', 'green mug');
    expect(i.search('mug', 5).map((h) => h.id)).toEqual(['b']);
  });

  it('scores the same after re-upserting unchanged texts, and after removing and re-adding one', () => {
    const i = new Bm25Index();
    const docs: Array<[string, string]> = [['a', 'red mug'], ['b', 'blue mug'], ['c', 'red running shoe']];
    for (const [id, text] of docs) i.upsert(id, text);
    const before = i.search('red mug', 5);
    for (const [id, text] of docs) i.upsert(id, text);
    expect(i.search('red mug', 5)).toEqual(before);
    expect(i.size).toBe(3);
    // a removed document is indexed again by the same text, not skipped as unchanged
    i.remove('a');
    expect(i.search('red mug', 5).map((h) => h.id)).not.toContain('a');
    i.upsert('a', 'red mug');
    expect(i.search('red mug', 5)).toEqual(before);
  });
});

describe('Bm25Index with weighted fields', () => {
  it('counts a word of a heavier field more, like that many occurrences (BM25F)', () => {
    const i = new Bm25Index();
    i.upsert('titled', [{ text: 'Star Maps', weight: 3 }, { text: 'Drama', weight: 1 }]);
    i.upsert('genre', [{ text: 'Underground', weight: 3 }, { text: 'Star', weight: 1 }]);
    i.upsert('other', [{ text: 'Toy Story', weight: 3 }, { text: 'Animation', weight: 1 }]);
    const hits = i.search('star', 5);
    expect(hits.map((h) => h.id)).toEqual(['titled', 'genre']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    // the same as writing the title three times in one text
    const flat = new Bm25Index();
    flat.upsert('titled', 'Star Maps Star Maps Star Maps Drama');
    flat.upsert('genre', 'Underground Underground Underground Star');
    flat.upsert('other', 'Toy Story Toy Story Toy Story Animation');
    expect(flat.search('star', 5).map((h) => h.score)).toEqual(hits.map((h) => h.score));
  });

  it('leaves out fields of weight 0 and treats an unchanged document as a no-op', () => {
    const i = new Bm25Index();
    const doc = [{ text: 'red mug', weight: 2 }, { text: 'kitchen', weight: 0 }];
    i.upsert('a', doc);
    i.upsert('b', 'blue mug');
    expect(i.search('kitchen', 5)).toEqual([]);
    const before = i.search('mug', 5);
    i.upsert('a', [...doc]);
    expect(i.search('mug', 5)).toEqual(before);
    i.upsert('a', [{ text: 'red mug', weight: 1 }]);
    expect(i.search('mug', 5)).not.toEqual(before);
  });
});

describe('fuseRrf', () => {
  it('rewards ids that rank well in several lists', () => {
    const fused = fuseRrf(
      [
        [{ id: 'a', score: 10 }, { id: 'b', score: 9 }],
        [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }],
      ],
      3,
    );
    expect(fused.map((h) => h.id)).toEqual(['b', 'a', 'c']);
  });
});
