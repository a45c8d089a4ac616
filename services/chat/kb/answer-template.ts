/** `{{Order Number}}`, `{{ Website Name }}`: the template slots of a knowledge base answer (`{{ }}` names none). */
const PLACEHOLDER = /\{\{\s*([^{}]*?[^{}\s])\s*\}\}/g;

/** The placeholder names of an answer, each once, in order of appearance. */
export function templateSlots(answer: string): string[] {
  return [...new Set([...answer.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * How a placeholder name is compared: lower case, single spaces, without the
 * "Anonymized" marker the Bitext data adds (`{{Order Number Anonymized}}` is an order number).
 * @example placeholderKey(' Order  Number Anonymized') // 'order number'
 */
export function placeholderKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\banonymi[sz]ed\b/g, ' ')
    .replace(/[\s_]+/g, ' ')
    .trim();
}

export interface FilledTemplate {
  text: string;
  /** Placeholders that got a value. */
  filled: string[];
  /** Placeholders left in the text as they were (no value known). */
  unfilled: string[];
}

/**
 * Replaces each placeholder that `valueOf` knows; the others stay as written, so a client can
 * still see (and fill) them.
 * @example fillTemplate('Order {{Order Number}} ships soon', (k) => (k === 'order number' ? '#123' : undefined))
 */
export function fillTemplate(answer: string, valueOf: (key: string, name: string) => string | undefined): FilledTemplate {
  const filled = new Set<string>();
  const unfilled = new Set<string>();
  const text = answer.replace(PLACEHOLDER, (whole, name: string) => {
    const v = valueOf(placeholderKey(name), name);
    if (v === undefined) {
      unfilled.add(name);
      return whole;
    }
    filled.add(name);
    return v;
  });
  return { text, filled: [...filled], unfilled: [...unfilled] };
}
