import { terms } from '../../../shared/search/text-terms.ts';

/** What the dialog has learnt from the customer's messages. */
export interface Slots {
  order_number?: string;
  email?: string;
  amount?: { value: number; currency: string; text: string };
  product?: { id: string; title: string };
}

/** A product as the catalog search returns it to the dialog. */
export interface ProductHit {
  id: string;
  title: string;
  category: string | null;
  price: number | null;
  /** Whether the lexical retriever found it (shared words, not only a nearby embedding). */
  lexical: boolean;
  reason?: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;
// ORD-2024-0042, ORDER-AB12C
const ORDER_CODE = /\b(ORD(?:ER)?-[A-Z0-9][A-Z0-9-]{2,})\b/i;
// "#12345", "order 12345", "order no. 12345", "order number: 12345", "purchase #A1234", "order id AB-12345",
// "my order number is 24680", "orders 12345 and 67890" (the first)
const ORDER_WORD = /\b(?:order|purchase)s?\s*(?:(?:number|no\.?|nr\.?|id|#)\s*)?(?:(?:is|was)\s+)?[:#]?\s*([A-Z]*-?\d[\dA-Z-]{2,})\b/i;
const HASH_NUMBER = /(?:^|[^\p{L}\p{N}&])#\s?(\d{3,}[\dA-Z-]*)\b/iu;

const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR' };
const WORDS: Record<string, string> = {
  usd: 'USD', dollar: 'USD', dollars: 'USD', bucks: 'USD',
  eur: 'EUR', euro: 'EUR', euros: 'EUR',
  gbp: 'GBP', pound: 'GBP', pounds: 'GBP',
  jpy: 'JPY', yen: 'JPY', inr: 'INR', rupees: 'INR', chf: 'CHF', cad: 'CAD', aud: 'AUD',
};
const NUMBER = String.raw`\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const CODES = Object.keys(WORDS).join('|');
const AMOUNT_SYMBOL = new RegExp(String.raw`([$€£¥₹])\s?(${NUMBER})`, 'u');
const AMOUNT_AFTER = new RegExp(String.raw`(?:^|[^\p{L}\p{N}.,])(${NUMBER})\s?(${CODES})\b`, 'iu');
const AMOUNT_BEFORE = new RegExp(String.raw`\b(usd|eur|gbp|chf|cad|aud|jpy|inr)\s?(${NUMBER})(?![\d])`, 'iu');

/** "1,499.00" → 1499, "12,50" → 12.5, "1 200" → 1200. */
export function parseAmount(raw: string): number {
  const s = raw.replace(/\s/g, '');
  const lastSep = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
  // a final separator followed by one or two digits is the decimal one
  if (lastSep >= 0 && s.length - lastSep - 1 <= 2) {
    return Number(`${s.slice(0, lastSep).replace(/[.,]/g, '')}.${s.slice(lastSep + 1)}`);
  }
  return Number(s.replace(/[.,]/g, ''));
}

/**
 * The slots a message states outright: order number, e-mail address, amount with currency.
 * @example extractPatternSlots('Order #12345 was charged $19.99, mail me at a@b.co')
 * // { order_number: '12345', email: 'a@b.co', amount: { value: 19.99, currency: 'USD', text: '$19.99' } }
 */
export function extractPatternSlots(text: string): Slots {
  const slots: Slots = {};
  const email = EMAIL.exec(text);
  if (email) slots.email = email[0].toLowerCase();
  // e-mail addresses must not lend their digits to an order number
  const rest = email ? text.replace(email[0], ' ') : text;
  const order = ORDER_CODE.exec(rest) ?? ORDER_WORD.exec(rest) ?? HASH_NUMBER.exec(rest);
  if (order) slots.order_number = order[1]!.toUpperCase();
  const sym = AMOUNT_SYMBOL.exec(rest);
  const after = sym ? null : AMOUNT_AFTER.exec(rest);
  const before = sym || after ? null : AMOUNT_BEFORE.exec(rest);
  if (sym) slots.amount = { value: parseAmount(sym[2]!), currency: SYMBOLS[sym[1]!]!, text: sym[0].trim() };
  else if (after) slots.amount = { value: parseAmount(after[1]!), currency: WORDS[after[2]!.toLowerCase()]!, text: `${after[1]} ${after[2]}` };
  else if (before) slots.amount = { value: parseAmount(before[2]!), currency: before[1]!.toUpperCase(), text: before[0].trim() };
  return slots;
}

/**
 * The words of a message a product could be named by: e-mail addresses taken out, whose parts
 * ("john.doe@…") would otherwise match titles ("Johns").
 * @example productQuery('mail john.doe@example.com about the trail shoe') // 'mail   about the trail shoe'
 */
export function productQuery(text: string): string {
  return text.replace(new RegExp(EMAIL.source, 'gu'), ' ');
}

/** Words of asking, not of what is asked for: "can you suggest something good like …". */
const REQUEST_WORDS = new Set(
  'can could would should do does did please me us some something anything any one ones thing things give show find want need looking look get buy what which good nice great best like similar else other more idea ideas help maybe perhaps also'.split(' '),
);

/**
 * Words that ask for things like a product rather than for the product itself: "something like
 * Star Wars", "similar to the Leather Boot", "alternatives to …". "I'd like" / "would like"
 * wants the thing itself.
 */
const LIKE_CUE = /\b(?:similar to|(?<!\b(?:would|wd|i'?d|we'?d|you'?d)\s+)like|such as|alternatives? (?:to|for)|instead of|other than|comparable to|in the style of)\b/i;

/**
 * Whether a request for suggestions asks for things like what it names ("something like Star
 * Wars"), not for the named thing.
 * @example asksForSimilar('anything like the Coffee Mug?') // true
 * @example asksForSimilar("I'd like a coffee mug") // false
 */
export function asksForSimilar(text: string): boolean {
  return LIKE_CUE.test(text.replace(/[\u2018\u2019]/g, "'"));
}

/**
 * What a request for suggestions asks for: the message without e-mail addresses, without the
 * phrases that made it a request (`strip`, from CHAT_RECOMMEND_KEYWORDS) and without words of
 * asking. Empty when nothing is left ("can you recommend something?"): then no product is
 * named, and the suggestions are the recommender's for the user. Before, any shared word
 * counted, and "can you recommend…" offered "I Can't Sleep".
 * @example suggestionQuery('Can you recommend something like Star Wars?', withoutPhrases('recommend')) // 'star wars'
 */
export function suggestionQuery(text: string, strip: (text: string) => string): string {
  return terms(strip(productQuery(text)))
    .filter((t) => !REQUEST_WORDS.has(t))
    .join(' ');
}

/**
 * The product a message names: a catalog search hit found by shared words whose title's words
 * (numbers aside) appear in the message at least `minMatch` of the time; the best covered wins.
 * @example productSlot('is the trail shoe waterproof?', hits, 0.75) // { id: 'shoes-1', title: 'trail shoe 1' }
 */
export function productSlot(text: string, hits: readonly ProductHit[], minMatch: number): Slots['product'] {
  const said = new Set(terms(text));
  let best: { hit: ProductHit; cover: number } | undefined;
  for (const hit of hits) {
    if (!hit.lexical) continue;
    const words = [...new Set(terms(hit.title))].filter((t) => !/^\d+$/.test(t));
    if (words.length === 0) continue;
    const cover = words.filter((w) => said.has(w)).length / words.length;
    if (cover >= minMatch && cover > (best?.cover ?? 0)) best = { hit, cover };
  }
  return best ? { id: best.hit.id, title: best.hit.title } : undefined;
}
