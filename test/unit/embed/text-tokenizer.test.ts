import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { firstWords, TextTokenizer } from '../../../services/embed/text-tokenizer.ts';
import { sharedDir } from '../../support/paths.ts';

// MiniLM's real tokenizer (WordPiece, [CLS] … [SEP]), read from AFFINITY_SHARED_DIR.
const dir = path.join(sharedDir(), 'models', 'all-MiniLM-L6-v2');
const json = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as object;
const config = JSON.parse(readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as object;

describe('TextTokenizer', () => {
  const maxLength = 16;
  const tok = new TextTokenizer(json, config, maxLength);
  const raw = new Tokenizer(json, config);
  /** What tokenizing the whole text and cutting its content gives. */
  const reference = (text: string) => {
    const content = raw.encode(text, { add_special_tokens: false }).ids;
    const full = raw.encode('x', { add_special_tokens: true }).ids;
    return { ids: [full[0]!, ...content.slice(0, maxLength - 2), full.at(-1)!], truncated: content.length > maxLength - 2 };
  };

  it.each([
    ['a few words', 'where is my parcel'],
    ['more words than room', Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')],
    ['exactly room words', Array.from({ length: 14 }, () => 'shoe').join(' ')],
    ['words that split into pieces', 'internationalization unbelievably antidisestablishmentarianism '.repeat(10)],
    ['punctuation without spaces', 'a,b.c;d!e?f(g)h[i]j{k}l'.repeat(5)],
    ['CJK without spaces', '我想退货请帮我查一下订单状态谢谢你'.repeat(3)],
    ['leading and inner whitespace', '   \t many   spaced \n words '.repeat(8)],
    ['an empty text', ''],
  ])('%s: the same ids as tokenizing the whole text, cut', (_name, text) => {
    const got = tok.encode(text);
    const want = reference(text);
    expect([...got.ids]).toEqual(want.ids);
    expect(got.truncated).toBe(want.truncated);
  });

  it('firstWords keeps the text up to the end of its n-th word', () => {
    expect(firstWords('  one two  three four', 2)).toBe('  one two');
    expect(firstWords('one two', 5)).toBe('one two');
    expect(firstWords('', 1)).toBe('');
  });
});
