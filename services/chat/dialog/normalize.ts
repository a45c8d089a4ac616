/**
 * A customer message as the models see it: Unicode NFKC (full-width digits, ligatures), no
 * control characters, typographic quotes and dashes made plain, whitespace collapsed.
 * @example normalizeMessage('  Where’s\u00a0my  order？ ') // "Where's my order?"
 */
export function normalizeMessage(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether `text` holds one of the comma-separated `phrases` as whole words; the last word of
 * a phrase may carry a suffix (`suggest` matches "suggestions"). Case-insensitive.
 * @example phraseMatcher('human,real person')('Can I talk to a real person?') // true
 */
export function phraseMatcher(phrases: string, suffix: Suffix = 'any'): (text: string) => boolean {
  const re = phrasePattern(phrases, 'iu', suffix);
  return re ? (text) => re.test(text) : () => false;
}

/**
 * `text` with every one of the comma-separated `phrases` taken out (as {@link phraseMatcher}
 * finds them), each replaced by a space.
 * @example withoutPhrases('recommend,any ideas')('Can you recommend a good book?') // 'Can you  a good book?'
 */
export function withoutPhrases(phrases: string): (text: string) => string {
  const re = phrasePattern(phrases, 'giu');
  return re ? (text) => text.replace(re, (_m, lead: string) => `${lead} `) : (text) => text;
}

/** What the last word of a phrase may end with: any letters (`suggest` → "suggestions"), or only a plural `s` (`agent` → "agents", not "real person" → "real personalised"). */
export type Suffix = 'any' | 'plural';

function phrasePattern(phrases: string, flags: string, suffix: Suffix = 'any'): RegExp | undefined {
  const list = phrases
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) return undefined;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tail = suffix === 'any' ? '[\\p{L}\\p{N}]*' : 's?(?![\\p{L}\\p{N}])';
  return new RegExp(`(^|[^\\p{L}\\p{N}])(?:${list.map((p) => p.split(/\s+/).map(escape).join('\\s+')).join('|')})${tail}`, flags);
}

/** A comma-separated list as a set. */
export function listOf(csv: string): Set<string> {
  return new Set(
    csv
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
