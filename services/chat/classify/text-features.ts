/**
 * Text → n-gram hashes: the lexical half of the classifiers' features. Every n-gram is
 * reduced to a 32-bit FNV-1a hash computed incrementally (no substring is ever built), so
 * extraction is cheap and a model stores numbers, not strings. With 2^32 buckets and a few
 * hundred thousand distinct n-grams, collisions are negligible.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function step(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

function hashInto(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i));
  return h;
}

/** FNV-1a of a string (32-bit, unsigned). */
export function hashString(s: string): number {
  return hashInto(FNV_OFFSET, s);
}

/**
 * Lowercased, NFKC-folded, typographic apostrophes made plain, whitespace collapsed.
 * @example normalizeText('Can’t  LOG in') // "can't log in"
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'").replace(/\s+/g, ' ').trim();
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)*|[!?]/gu;
const CLAUSE_END = /^[!?]$/;
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'nor', 'neither', 'nowhere', 'cannot', 'without', 'hardly', 'barely']);

function isNegator(token: string): boolean {
  return NEGATORS.has(token) || token.endsWith("n't");
}

/**
 * Word tokens of normalised text: letters/digits with inner apostrophes, plus `!` and `?`
 * (which carry tone). With `negation`, tokens between a negator ("not", "never", "…n't") and
 * the end of its clause get a `neg_` prefix (Das & Chen 2001), so "not good" and "good" are
 * different features.
 * @example wordTokens("it isn't good, but fine", { negation: true }) // ['it', "isn't", 'neg_good', 'but', 'fine']
 */
export function wordTokens(normalized: string, opts: { negation?: boolean } = {}): string[] {
  if (!opts.negation) return normalized.match(WORD) ?? [];
  const out: string[] = [];
  // clause boundaries are punctuation, which the token pattern drops: scan clause by clause
  for (const clause of normalized.split(/[.,;:()"]+/)) {
    let negated = false;
    for (const t of clause.match(WORD) ?? []) {
      if (CLAUSE_END.test(t)) {
        negated = false;
        out.push(t);
      } else if (isNegator(t)) {
        negated = true;
        out.push(t);
      } else out.push(negated ? `neg_${t}` : t);
    }
  }
  return out;
}

/** Hashes of the word n-grams of `tokens` for n in [minN, maxN] (a bigram hashes "a b"). */
export function wordNgramHashes(tokens: readonly string[], minN: number, maxN: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= maxN && i + n <= tokens.length; n++) {
      if (n > 1) h = step(h, 0x20);
      h = hashInto(h, tokens[i + n - 1]!);
      if (n >= minN) out.push(h);
    }
  }
  return Uint32Array.from(out);
}

/**
 * Hashes of character n-grams inside word boundaries (scikit-learn's `char_wb`): each
 * whitespace-separated word is padded with a space on both sides and its n-grams for n in
 * [minN, maxN] are taken; a padded word shorter than minN yields itself once.
 */
export function charNgramHashes(normalized: string, minN: number, maxN: number): Uint32Array {
  const out: number[] = [];
  for (const word of normalized.split(' ')) {
    if (word === '') continue;
    const padded = ` ${word} `;
    const len = padded.length;
    if (len < minN) {
      out.push(hashString(padded));
      continue;
    }
    for (let start = 0; start + minN <= len; start++) {
      let h = FNV_OFFSET;
      const end = Math.min(len, start + maxN);
      for (let k = start; k < end; k++) {
        h = step(h, padded.charCodeAt(k));
        if (k - start + 1 >= minN) out.push(h);
      }
    }
  }
  return Uint32Array.from(out);
}
