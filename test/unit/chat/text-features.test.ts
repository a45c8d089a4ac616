import { describe, expect, it } from 'vitest';
import { FeaturePipeline } from '../../../services/chat/classify/feature-pipeline.ts';
import { CsrBuilder, selectRows } from '../../../services/chat/classify/sparse-matrix.ts';
import { charNgramHashes, hashString, normalizeText, wordNgramHashes, wordTokens } from '../../../services/chat/classify/text-features.ts';
import { TfidfVectorizer } from '../../../services/chat/classify/tfidf-vectorizer.ts';

const sorted = (a: Uint32Array) => Array.from(a).sort((x, y) => x - y);

describe('text features', () => {
  it('normalises case, width, apostrophes and whitespace', () => {
    expect(normalizeText('  Can’t   LOG\tin ')).toBe("can't log in");
    expect(normalizeText('ＡＢＣ')).toBe('abc'); // NFKC folds full-width letters
  });

  it('tokenises words with inner apostrophes and keeps ! and ?', () => {
    expect(wordTokens("i can't pay! why?")).toEqual(['i', "can't", 'pay', '!', 'why', '?']);
  });

  it('marks the words of a negated clause until punctuation', () => {
    expect(wordTokens("it isn't good, but fine", { negation: true })).toEqual(['it', "isn't", 'neg_good', 'but', 'fine']);
    expect(wordTokens('not bad. great', { negation: true })).toEqual(['not', 'neg_bad', 'great']);
    expect(wordTokens('never again! ok', { negation: true })).toEqual(['never', 'neg_again', '!', 'ok']);
  });

  it('hashes word unigrams and bigrams as the strings "a" and "a b"', () => {
    const h = wordNgramHashes(['top', 'up', 'failed'], 1, 2);
    expect(sorted(h)).toEqual(sorted(Uint32Array.from(['top', 'up', 'failed', 'top up', 'up failed'].map(hashString))));
    expect(Array.from(wordNgramHashes(['a', 'b'], 2, 2))).toEqual([hashString('a b')]);
  });

  it('takes character n-grams inside padded words (char_wb)', () => {
    // " ab " → 2-grams " a", "ab", "b " and 3-grams " ab", "ab "
    const expected = [' a', 'ab', 'b ', ' ab', 'ab '].map(hashString);
    expect(sorted(charNgramHashes('ab', 2, 3))).toEqual(sorted(Uint32Array.from(expected)));
    // never across a word boundary: "a b" has no n-gram holding both letters
    const cross = charNgramHashes('a b', 2, 3);
    expect(Array.from(cross)).not.toContain(hashString('a b'));
    expect(Array.from(cross)).not.toContain(hashString(' a b'));
  });

  it('computes sublinear TF-IDF with smoothed idf, L2-normalised', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(hashString) as [number, number, number];
    // doc 0: a a b; doc 1: a c
    const v = TfidfVectorizer.fit([Uint32Array.from([a, a, b]), Uint32Array.from([a, c])]);
    const x = v.transform([Uint32Array.from([a, a, b]), Uint32Array.from([c, hashString('never seen')])]);
    const idfA = Math.log(3 / 3) + 1;
    const idfB = Math.log(3 / 2) + 1;
    const ta = (1 + Math.log(2)) * idfA;
    const norm = Math.hypot(ta, idfB);
    const row0 = new Map<number, number>();
    for (let p = x.indptr[0]!; p < x.indptr[1]!; p++) row0.set(x.indices[p]!, x.data[p]!);
    const col = (h: number) => v.state.keys.indexOf(h);
    expect(row0.get(col(a))).toBeCloseTo(ta / norm, 6);
    expect(row0.get(col(b))).toBeCloseTo(idfB / norm, 6);
    // the unseen n-gram is dropped; the row is c alone at weight 1
    expect(x.indptr[2]! - x.indptr[1]!).toBe(1);
    expect(x.data[x.indptr[1]!]).toBeCloseTo(1, 6);
  });

  it('drops n-grams below minDf', () => {
    const [a, b] = ['a', 'b'].map(hashString) as [number, number];
    const v = TfidfVectorizer.fit([Uint32Array.from([a, b]), Uint32Array.from([a])], { minDf: 2 });
    expect(Array.from(v.state.keys)).toEqual([a]);
  });

  it('finds the column of every kept n-gram among thousands, the extremes of the hash range included, and drops the rest', () => {
    // a fixed pseudo-random set of 5,000 hashes, with 0 and 2^32 - 1 among them
    const kept = new Set<number>([0, 0xffffffff]);
    for (let x = 12345; kept.size < 5000; ) kept.add((x = (Math.imul(x, 1103515245) + 12345) >>> 0));
    const docs = [...kept].map((h) => Uint32Array.from([h]));
    const v = TfidfVectorizer.fit(docs);
    const reference = new Map([...v.state.keys].map((k, i) => [k, i]));
    const probes = [...kept, 1, 0xfffffffe, ...[...kept].map((h) => (h + 1) >>> 0)];
    const x = v.transform(probes.map((h) => Uint32Array.from([h])));
    probes.forEach((h, row) => {
      const col = reference.get(h);
      if (col === undefined) expect(x.indptr[row + 1]! - x.indptr[row]!).toBe(0);
      else expect(x.indices[x.indptr[row]!]).toBe(col);
    });
  });

  it('refuses a stored vectorizer whose keys are not strictly increasing', () => {
    const state = { keys: Uint32Array.from([1, 5, 5]), idf: Float32Array.from([1, 1, 1]) };
    expect(() => TfidfVectorizer.fromState(state)).toThrow(expect.objectContaining({ code: 'CLASSIFIER_MODEL_INVALID' }));
    expect(() => TfidfVectorizer.fromState({ ...state, keys: Uint32Array.from([1, 7, 5]) })).toThrow(expect.objectContaining({ code: 'CLASSIFIER_MODEL_INVALID' }));
  });

  it('stacks word, char and dense blocks, each unit length times its weight', () => {
    const texts = ['card arrived', 'card lost'];
    const emb = [Float32Array.from([3, 4, 0]), Float32Array.from([0, 0, 2])];
    const f = FeaturePipeline.fit(texts, emb, { word: { minN: 1, maxN: 1, weight: 2 }, char: { minN: 3, maxN: 3 }, denseWeight: 0.5 });
    const x = f.transform(texts, emb);
    expect(x.cols).toBe(f.lexicalCols + 3);
    const blockNorms = (r: number) => {
      const s = [0, 0, 0];
      const wordCols = f.state.word!.keys.length;
      for (let p = x.indptr[r]!; p < x.indptr[r + 1]!; p++) {
        const c = x.indices[p]!;
        s[c < wordCols ? 0 : c < f.lexicalCols ? 1 : 2]! += x.data[p]! ** 2;
      }
      return s.map(Math.sqrt);
    };
    for (const r of [0, 1]) {
      const [w, c, d] = blockNorms(r);
      expect(w).toBeCloseTo(2, 5);
      expect(c).toBeCloseTo(1, 5);
      expect(d).toBeCloseTo(0.5, 5);
    }
    // columns ascend within a row (the CSR invariant the heads rely on)
    for (let p = x.indptr[0]! + 1; p < x.indptr[1]!; p++) expect(x.indices[p]!).toBeGreaterThan(x.indices[p - 1]!);
  });

  it('leaves the dense block out when its weight is 0, and needs embeddings otherwise', () => {
    const f = FeaturePipeline.fit(['a b'], undefined, { denseWeight: 0 });
    expect(f.usesDense).toBe(false);
    const g = FeaturePipeline.fit(['a b'], [Float32Array.from([1, 0])], {});
    expect(() => g.transform(['a b'])).toThrow(RangeError);
  });

  it('builds and slices CSR matrices', () => {
    const b = new CsrBuilder(5, 1); // capacity 1 forces growth
    b.push(1, 1);
    b.push(4, 2);
    b.endRow();
    b.endRow();
    b.push(0, 3);
    b.endRow();
    const m = b.build();
    expect(Array.from(m.indptr)).toEqual([0, 2, 2, 3]);
    const s = selectRows(m, [2, 0]);
    expect(Array.from(s.indptr)).toEqual([0, 1, 3]);
    expect(Array.from(s.indices)).toEqual([0, 1, 4]);
    expect(Array.from(s.data)).toEqual([3, 1, 2]);
  });
});
