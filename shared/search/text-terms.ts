const STOPWORDS = new Set(
  'a an and are as at be but by for from has have i in is it its of on or that the this to was were will with you your my me we our'.split(' '),
);

/**
 * Lexical terms of a text for BM25: lower-cased Unicode words, stopwords dropped, a plural
 * `s` stripped so that "shoes" finds "shoe".
 * @example terms('Red Running Shoes!') // ['red', 'running', 'shoe']
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKC').matchAll(/[\p{L}\p{N}]+/gu)) {
    let t = m[0];
    if (STOPWORDS.has(t)) continue;
    if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = t.slice(0, -1);
    out.push(t);
  }
  return out;
}
