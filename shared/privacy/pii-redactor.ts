/**
 * Masks personal data in free text before it is stored or logged: e-mail addresses, phone
 * numbers, payment card numbers (Luhn-checked), bank account numbers (IBAN, checksum-checked)
 * and postal addresses become `[email]`, `[phone]`, `[card]`, `[iban]` and `[address]`. Pattern-based and deliberately pragmatic: it favours
 * masking a little too much over keeping a real number, but leaves alone what a shop's
 * customer-service text is full of — order codes (`ORD-2024-0042`, `order 12345678`, `#55512`),
 * short numbers, amounts (`$1 299`), dates (`2024-06-01`). docs/privacy.md lists the rules.
 */

export const PII_KINDS = ['email', 'phone', 'card', 'iban', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export const PII_PLACEHOLDERS: Readonly<Record<PiiKind, string>> = { email: '[email]', phone: '[phone]', card: '[card]', iban: '[iban]', address: '[address]' };

/** A text → masked text function, with the kinds it masks. */
export interface Redactor {
  (text: string): string;
  readonly kinds: readonly PiiKind[];
}

// starts only where a run of address characters starts: linear time on long runs without an @
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// A number glued to a word by a dash, dot or slash is part of a code (ORD-2024-0042, v1.2.3)
const NUM_START = String.raw`(?<![\p{L}\p{N}_+]|[\p{L}\p{N}_][-./])`;
const NUM_END = String.raw`(?![\p{L}\p{N}_]|[-./][\p{L}\p{N}_])`;

/** What may split a card number's groups: a dash, dot or slash (spaced or not), or up to three spaces, tabs or line breaks. */
const CARD_SEP = String.raw`(?:[ \t]?[-./][ \t]?|\s{1,3})`;
/** Runs of digit groups: card number candidates. */
const DIGIT_RUN = new RegExp(String.raw`${NUM_START}\d+(?:${CARD_SEP}\d+)*${NUM_END}`, 'gu');
/** An IBAN as written: country, check digits, then the account in groups of four (spaced or not), the last shorter. */
const IBAN_CANDIDATE = /(?<![\p{L}\p{N}_])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\p{L}\p{N}_])/giu;

/** `+44 20 7946 0958`, `(555) 123-4567`, `020 7946 0958`, `5551234567`: phone candidates, judged by `isPhone`. */
const PHONE_CANDIDATE = new RegExp(String.raw`${NUM_START}(?:\+ ?\d{1,4}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,15}(?:[ .-]\d{1,8})*${NUM_END}`, 'gu');

/** Words right before a number that make it a reference, not a phone number. */
const REFERENCE_BEFORE =
  /(?:#|\b(?:order|purchase|invoice|ref|reference|tracking|ticket|case|receipt|confirmation|transaction|booking|reservation|parcel|package|shipment|item|sku|product|model|serial)s?\s*(?:number|num|no\.?|nr\.?|id|code|#)?\s*(?:is|was|:|#)?)\s*$/i;
/** Words right before a number that make it a phone number whatever its shape. */
const PHONE_CUE_BEFORE = /\b(?:phone|telephone|tel|mobile|cell|cellphone|call|ring|text|sms|whatsapp|fax|number is|reach me (?:on|at))\b[^\p{N}\n]{0,12}$/iu;
const CURRENCY_BEFORE = /[$€£¥₹]\s?$|\b(?:usd|eur|gbp|chf|cad|aud|jpy|inr)\s?$/i;
const CURRENCY_AFTER = /^\s?(?:usd|eur|gbp|chf|cad|aud|jpy|inr|dollars?|euros?|pounds?|bucks|yen|rupees)\b/i;
const DATE = String.raw`(?:\d{4}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ]\d{2,4})`;
const DATE_SHAPE = new RegExp(`^${DATE}$`);
/** A date and the hour of a time after it (`2024-06-01 10` before `:30`). */
const DATE_HOUR = new RegExp(`^${DATE} \\d{1,2}$`);
/** `1 299 000`, `12.345.678`: thousands groups, an amount rather than a phone. */
const THOUSANDS = /^\d{1,3}(?:([ .])\d{3})(?:\1\d{3})*$/;

const STREET_TYPES_ANY_CASE =
  'street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|highway|hwy|parkway|pkwy|crescent|cres|mews|alley|broadway|strasse|straße';
// words that are also ordinary English: a street only when written with capitals ("Baker Close", not "close")
const STREET_TYPES_CAPITALISED = 'Drive|Dr|Way|Close|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Grove|Gardens|Hill|Walk|Row|Park|Circle|Cir|Trail|Trl|Plaza';
const STOPWORDS = new Set(['a', 'an', 'the', 'on', 'in', 'of', 'to', 'by', 'for', 'my', 'your', 'our', 'this', 'that', 'and', 'or', 'at', 'from', 'with', 'is', 'it', 'are', 'was', 'be', 'as', 'i', 'me', 'we', 'you', 'more', 'than', 'per', 'each', 'all']);
const HOUSE = String.raw`(?<![\p{L}\p{N}_])\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?,?`;
const DIRECTION = String.raw`(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?`;
/** `12 Baker Street`, `221B baker st`, `1600 Pennsylvania Avenue NW`. */
const STREET_NUMBER_FIRST = new RegExp(String.raw`${HOUSE}\s+((?:[\p{L}][\p{L}'.-]*\s+){1,3})(?:${STREET_TYPES_ANY_CASE})\b\.?${DIRECTION}`, 'giu');
/** `4 Ashdown Close`, `10 Downing Place` (capitalised street words only). */
const STREET_CAPITALISED = new RegExp(String.raw`${HOUSE}\s+((?:\p{Lu}[\p{L}'.-]*\s+){1,3})(?:${STREET_TYPES_CAPITALISED})\b\.?${DIRECTION}`, 'gu');
/** `12 rue de la Paix`, `5 calle Mayor`, `3 via Roma`: the street word before its name. */
const STREET_TYPE_FIRST = new RegExp(String.raw`${HOUSE}\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|quai|calle|avenida|via|viale|piazza|rua|praça)\s+[\p{L}'-]+(?:\s+[\p{L}'-]+){0,3}`, 'giu');
/** `Hauptstraße 5`, `Lindenweg 12a`. */
const STREET_SUFFIX = /(?<![\p{L}\p{N}_-])[\p{L}-]{2,}(?:straße|strasse|str\.|weg|gasse|platz|allee|damm)\s+\d{1,4}[a-z]?(?![\p{L}\p{N}_])/giu;
/** UK postcodes as printed (capitals): `NW1 6XE`, `SW1A 1AA`, `M1 1AE`. */
const UK_POSTCODE = /(?<![\p{L}\p{N}_])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}_])/gu;
const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
/** A US state code and ZIP (`IL 62704`, `NY 10001-1234`); a bare five-digit number is too often an order number. */
const US_ZIP = new RegExp(String.raw`\b(?:${US_STATES}),?\s+\d{5}(?:-\d{4})?(?![\p{L}\p{N}_])`, 'gu');
const PO_BOX = /\bP\.?\s?O\.?\s+Box\s+\d{1,6}\b/giu;

/**
 * Whether a string of digits passes the Luhn check (the check digit of card numbers).
 * @example luhnValid('4111111111111111') // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (d < 0 || d > 9) return false;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Whether a string is a valid IBAN (ISO 13616): 15–34 letters and digits, the country and check
 * digits moved to the end, letters as numbers (A = 10), leaving 1 modulo 97.
 * @example ibanValid('GB29NWBK60161331926819') // true
 */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  let rest = 0;
  for (const ch of s.slice(4) + s.slice(0, 4)) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = (rest * (value > 9 ? 100 : 10) + value) % 97;
  }
  return rest === 1;
}

/** IBANs: the longest valid stretch of whole groups from the start of a candidate (a word may follow one). */
function maskIbans(text: string): string {
  return text.replace(IBAN_CANDIDATE, (candidate) => {
    const groups = candidate.split(' ');
    for (let n = groups.length; n > 0; n--) {
      if (ibanValid(groups.slice(0, n).join(''))) return [PII_PLACEHOLDERS.iban, ...groups.slice(n)].join(' ');
    }
    return candidate;
  });
}

/** Card numbers: 13–19 digits, alone or in groups (CARD_SEP), Luhn-valid. */
function maskCards(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const groups = run.split(/\D+/);
    const seps = run.match(/\D+/g) ?? [];
    // the longest Luhn-valid stretch of whole groups, from the left; a run can hold a card and more
    const out: string[] = [];
    let i = 0;
    while (i < groups.length) {
      let end = -1;
      let digits = '';
      for (let j = i; j < groups.length; j++) {
        digits += groups[j];
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhnValid(digits)) end = j;
      }
      if (end >= 0) {
        out.push(PII_PLACEHOLDERS.card);
        if (end < groups.length - 1) out.push(seps[end]!);
        i = end + 1;
      } else {
        out.push(groups[i]!);
        if (i < groups.length - 1) out.push(seps[i]!);
        i++;
      }
    }
    return out.join('');
  });
}

function isPhone(candidate: string, before: string, after: string): boolean {
  const digits = candidate.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  if (REFERENCE_BEFORE.test(before)) return false;
  if (candidate.startsWith('+')) return true;
  if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after)) return false;
  if (PHONE_CUE_BEFORE.test(before)) return true;
  if (DATE_SHAPE.test(candidate) || THOUSANDS.test(candidate)) return false;
  if (DATE_HOUR.test(candidate) && /^:\d{2}/.test(after)) return false;
  const separated = /[ .()-]/.test(candidate);
  // an unseparated run of 7–9 digits is as likely a reference as a phone number
  return separated || digits >= 10;
}

function maskPhones(text: string): string {
  return text.replace(PHONE_CANDIDATE, (candidate: string, offset: number) => {
    const before = text.slice(Math.max(0, offset - 40), offset);
    const after = text.slice(offset + candidate.length, offset + candidate.length + 12);
    return isPhone(candidate, before, after) ? PII_PLACEHOLDERS.phone : candidate;
  });
}

function maskAddresses(text: string): string {
  const placeholder = PII_PLACEHOLDERS.address;
  const street = (match: string, name: string) => (name.trim().split(/\s+/).some((w) => STOPWORDS.has(w.toLowerCase())) ? match : placeholder);
  return text
    .replace(STREET_NUMBER_FIRST, street)
    .replace(STREET_CAPITALISED, street)
    .replace(STREET_TYPE_FIRST, placeholder)
    .replace(STREET_SUFFIX, placeholder)
    .replace(PO_BOX, placeholder)
    .replace(US_ZIP, placeholder)
    .replace(UK_POSTCODE, placeholder);
}

/**
 * Masks the kinds asked for (all five by default). Idempotent: masking a masked text changes
 * nothing.
 * @example redactPii('mail jo@example.com or call +44 20 7946 0958') // 'mail [email] or call [phone]'
 */
export function redactPii(text: string, kinds: Iterable<PiiKind> = PII_KINDS): string {
  // Look-alikes hide nothing: full-width digits and ＠ (NFKC), no-break and other Unicode
  // spaces, Unicode dashes, invisible format characters (zero-width space, soft hyphen). Matched on a folded copy; the text is returned as written unless
  // something in it was masked (then folded, with the masks).
  if (/^[\x00-\x7f]*$/.test(text)) return maskFolded(text, kinds);
  const folded = fold(text);
  const masked = maskFolded(folded, kinds);
  return masked === folded ? text : masked;
}

function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Zs}]/gu, ' ')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-');
}

function maskFolded(text: string, kinds: Iterable<PiiKind>): string {
  const on = new Set(kinds);
  let out = text;
  // e-mail first (its digits are no phone), IBANs and cards before phones (their digits are no
  // phone), addresses before phones (a ZIP+4 is no phone)
  if (on.has('email')) out = out.replace(EMAIL, PII_PLACEHOLDERS.email);
  if (on.has('iban')) out = maskIbans(out);
  if (on.has('card')) out = maskCards(out);
  if (on.has('address')) out = maskAddresses(out);
  if (on.has('phone')) out = maskPhones(out);
  return out;
}

/**
 * A redactor for the configured kinds (PII_REDACT); with none, text passes unchanged.
 * @example const redact = createRedactor(config.PII_REDACT); turn.text = redact(text)
 */
export function createRedactor(kinds: Iterable<PiiKind> = PII_KINDS): Redactor {
  const list = Object.freeze([...new Set(kinds)]);
  const fn = list.length === 0 ? (text: string) => text : (text: string) => redactPii(text, list);
  return Object.assign(fn, { kinds: list });
}

/**
 * Parses a comma-separated list of kinds (`email,phone,card,iban,address`; `none` or `off` = none).
 * Throws a plain Error naming an unknown kind (the config schema turns it into CONFIG_INVALID).
 */
export function parsePiiKinds(list: string): PiiKind[] {
  const words = list
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 1 && (words[0] === 'none' || words[0] === 'off')) return [];
  const unknown = words.filter((w) => !(PII_KINDS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`unknown kind(s) ${unknown.join(', ')}; kinds: ${PII_KINDS.join(', ')}, or none`);
  return [...new Set(words as PiiKind[])];
}
