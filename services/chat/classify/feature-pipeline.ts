import { CsrBuilder, type CsrMatrix } from './sparse-matrix.ts';
import { charNgramHashes, normalizeText, wordNgramHashes, wordTokens } from './text-features.ts';
import { TfidfVectorizer, type TfidfState } from './tfidf-vectorizer.ts';

/** One block of n-gram TF-IDF features. */
export interface NgramBlockOptions {
  /** Shortest and longest n-gram (words or characters). */
  minN: number;
  maxN: number;
  /** Multiplier of the block's L2-normalised row. @defaultValue 1 */
  weight?: number;
  /** Keep n-grams seen in at least this many training texts. @defaultValue 1 */
  minDf?: number;
}

export interface FeatureOptions {
  /** Word n-grams; `false` leaves them out. @defaultValue { minN: 1, maxN: 2 } */
  word?: NgramBlockOptions | false;
  /** Character n-grams within word boundaries; `false` leaves them out. @defaultValue { minN: 2, maxN: 5 } */
  char?: NgramBlockOptions | false;
  /** Mark words in a negated clause (`neg_good`). @defaultValue false */
  negation?: boolean;
  /** Multiplier of the L2-normalised embedding; 0 leaves the dense part out. @defaultValue 1 */
  denseWeight?: number;
}

export type ResolvedFeatureOptions = {
  word: Required<NgramBlockOptions> | false;
  char: Required<NgramBlockOptions> | false;
  negation: boolean;
  denseWeight: number;
};

export function resolveFeatureOptions(o: FeatureOptions = {}): ResolvedFeatureOptions {
  const block = (b: NgramBlockOptions | false | undefined, d: NgramBlockOptions): Required<NgramBlockOptions> | false =>
    b === false ? false : { weight: 1, minDf: 1, ...d, ...b };
  return {
    word: block(o.word, { minN: 1, maxN: 2 }),
    char: block(o.char, { minN: 2, maxN: 5 }),
    negation: o.negation ?? false,
    denseWeight: o.denseWeight ?? 1,
  };
}

/** The n-gram hashes of one text, per block. */
interface TextHashes {
  word: Uint32Array;
  char: Uint32Array;
}

export interface FeatureState {
  options: ResolvedFeatureOptions;
  word: TfidfState | undefined;
  char: TfidfState | undefined;
  /** Dimension of the embeddings; 0 when the dense part is off. */
  denseDim: number;
  /** Mean of the training embeddings (each L2-normalised first), subtracted before use. */
  denseMean: Float32Array | undefined;
}

/**
 * Texts (and their embeddings) → one sparse row each: [word TF-IDF | char TF-IDF | embedding],
 * every block L2-normalised and then multiplied by its weight, so the blocks' shares of the
 * linear model do not depend on text length or embedding scale.
 * @example const f = FeaturePipeline.fit(texts, vectors, { denseWeight: 0.5 }); const x = f.transform(texts, vectors)
 */
export class FeaturePipeline {
  private constructor(
    readonly options: ResolvedFeatureOptions,
    private readonly word: TfidfVectorizer | undefined,
    private readonly char: TfidfVectorizer | undefined,
    readonly denseDim: number,
    private readonly denseMean: Float32Array | undefined,
  ) {}

  static fit(texts: readonly string[], embeddings: readonly Float32Array[] | undefined, options: FeatureOptions = {}): FeaturePipeline {
    const o = resolveFeatureOptions(options);
    const hashes = texts.map((t) => textHashes(t, o));
    const word = o.word ? TfidfVectorizer.fit(hashes.map((h) => h.word), { minDf: o.word.minDf }) : undefined;
    const char = o.char ? TfidfVectorizer.fit(hashes.map((h) => h.char), { minDf: o.char.minDf }) : undefined;
    const denseDim = o.denseWeight > 0 && embeddings && embeddings.length > 0 ? embeddings[0]!.length : 0;
    return new FeaturePipeline(o, word, char, denseDim, denseDim > 0 ? meanOfNormalized(embeddings!) : undefined);
  }

  static fromState(s: FeatureState): FeaturePipeline {
    return new FeaturePipeline(
      s.options,
      s.word ? TfidfVectorizer.fromState(s.word) : undefined,
      s.char ? TfidfVectorizer.fromState(s.char) : undefined,
      s.denseDim,
      s.denseMean,
    );
  }

  get state(): FeatureState {
    return { options: this.options, word: this.word?.state, char: this.char?.state, denseDim: this.denseDim, denseMean: this.denseMean };
  }

  /** Whether transform needs embeddings. */
  get usesDense(): boolean {
    return this.denseDim > 0;
  }

  /** Columns of the lexical blocks (the dense block comes after them). */
  get lexicalCols(): number {
    return (this.word?.size ?? 0) + (this.char?.size ?? 0);
  }

  get cols(): number {
    return this.lexicalCols + this.denseDim;
  }

  transform(texts: readonly string[], embeddings?: readonly Float32Array[]): CsrMatrix {
    const o = this.options;
    const b = new CsrBuilder(this.cols, texts.length * 128);
    const charOffset = this.word?.size ?? 0;
    texts.forEach((text, i) => {
      const h = textHashes(text, o);
      if (this.word && o.word) this.word.pushRow(h.word, b, 0, o.word.weight);
      if (this.char && o.char) this.char.pushRow(h.char, b, charOffset, o.char.weight);
      if (this.denseDim > 0) {
        const v = embeddings?.[i];
        if (!v || v.length !== this.denseDim) throw new RangeError(`embedding ${i} is missing or not of dimension ${this.denseDim}`);
        const centred = centre(v, this.denseMean!);
        for (let k = 0; k < centred.length; k++) b.push(this.lexicalCols + k, centred[k]! * o.denseWeight);
      }
      b.endRow();
    });
    return b.build();
  }
}

function normalized(v: Float32Array): Float64Array {
  let norm = 0;
  for (let k = 0; k < v.length; k++) norm += v[k]! * v[k]!;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Float64Array.from(v, (x) => x * inv);
}

function meanOfNormalized(vs: readonly Float32Array[]): Float32Array {
  const sum = new Float64Array(vs[0]!.length);
  for (const v of vs) {
    const u = normalized(v);
    for (let k = 0; k < u.length; k++) sum[k]! += u[k]!;
  }
  return Float32Array.from(sum, (x) => x / vs.length);
}

/**
 * Unit vector → minus the training mean → unit vector again. Encoders' embeddings share a
 * large common direction (random-weight ones especially); removing it spreads them out, which
 * helps both the linear head and nearest-neighbour search.
 */
function centre(v: Float32Array, mean: Float32Array): Float64Array {
  const u = normalized(v);
  let norm = 0;
  for (let k = 0; k < u.length; k++) {
    u[k]! -= mean[k]!;
    norm += u[k]! * u[k]!;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = 0; k < u.length; k++) u[k]! *= inv;
  return u;
}

function textHashes(text: string, o: ResolvedFeatureOptions): TextHashes {
  const norm = normalizeText(text);
  return {
    word: o.word ? wordNgramHashes(wordTokens(norm, { negation: o.negation }), o.word.minN, o.word.maxN) : new Uint32Array(0),
    char: o.char ? charNgramHashes(norm, o.char.minN, o.char.maxN) : new Uint32Array(0),
  };
}
