import { Tokenizer } from '@huggingface/tokenizers';

/** A text turned into token ids, already truncated to the model's limit. */
export interface TokenizedText {
  ids: Int32Array;
  /** Whether the text was cut to fit the model's maximum length. */
  truncated: boolean;
}

/**
 * Wraps a Hugging Face tokenizer.json and truncates like `transformers` does for one
 * sequence: the content is cut, the special tokens the post-processor adds around it (e.g.
 * [CLS] … [SEP]) are kept.
 */
export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly prefix: number[];
  private readonly suffix: number[];

  constructor(
    tokenizerJson: object,
    tokenizerConfig: object,
    readonly maxLength: number,
  ) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    // Find the special tokens the post-processor wraps around any content: encode a probe
    // with and without them and see where the content lands.
    const bare = this.tokenizer.encode('hello', { add_special_tokens: false }).ids;
    const full = this.tokenizer.encode('hello', { add_special_tokens: true }).ids;
    const at = indexOfRun(full, bare);
    this.prefix = at >= 0 ? full.slice(0, at) : [];
    this.suffix = at >= 0 ? full.slice(at + bare.length) : [];
    if (this.prefix.length + this.suffix.length >= maxLength) {
      throw new RangeError(`maxLength ${maxLength} leaves no room for content`);
    }
  }

  /**
   * Token ids with special tokens, cut to `maxLength`. Only the text's first words that can
   * reach the limit are tokenized: every whitespace-separated word gives at least one token, so
   * the words past the first `room + 1` are cut anyway, and a long text (an 8 MB request of them)
   * would otherwise be tokenized whole on the event loop to keep a few hundred tokens.
   */
  encode(text: string): TokenizedText {
    const room = this.maxLength - this.prefix.length - this.suffix.length;
    const content = this.tokenizer.encode(firstWords(text, room + 1), { add_special_tokens: false }).ids;
    const truncated = content.length > room;
    const kept = truncated ? room : content.length;
    const ids = new Int32Array(this.prefix.length + kept + this.suffix.length);
    ids.set(this.prefix, 0);
    for (let i = 0; i < kept; i++) ids[this.prefix.length + i] = content[i]!;
    ids.set(this.suffix, this.prefix.length + kept);
    return { ids, truncated };
  }
}

/** `text` up to the end of its `n`-th whitespace-separated word (all of it when it has fewer). */
export function firstWords(text: string, n: number): string {
  const word = /\S+/g;
  let count = 0;
  for (let m = word.exec(text); m; m = word.exec(text)) {
    if (++count === n) return text.slice(0, m.index + m[0].length);
  }
  return text;
}

function indexOfRun(haystack: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
