/**
 * The tokenizer files of a generated model folder. `minilm-l6` uses the real tokenizer of
 * all-MiniLM-L6-v2, copied from a folder beside the project (it may not be redistributed, so
 * it is never committed); `tiny` gets a small lower-casing BERT WordPiece tokenizer made here,
 * in the Hugging Face `tokenizers` JSON format that Transformers.js reads.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../../shared/errors/index.ts';
import type { BertShape } from './shapes.ts';
import { SPECIAL_TOKENS, tinyVocab } from './tiny-vocab.ts';

/** The files a Transformers.js BERT tokenizer folder holds. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'] as const;

/** A file to write into the model folder: a path relative to it, and its bytes. */
export interface OutputFile {
  path: string;
  data: Buffer;
}

/**
 * Where the real all-MiniLM-L6-v2 tokenizer lives by default:
 * `<AFFINITY_SHARED_DIR or ../shared>/models/all-MiniLM-L6-v2`, relative to the working folder.
 */
export function defaultMiniLmTokenizerDir(): string {
  // Read here rather than from the config module: the generator is a build tool that must work
  // before (and without) a valid server configuration.
  const shared = process.env.AFFINITY_SHARED_DIR || path.join('..', 'shared');
  return path.resolve(shared, 'models', 'all-MiniLM-L6-v2');
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

function specialToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json of the tiny tokenizer: the same pipeline as bert-base-uncased's. */
function tinyTokenizerJson(vocab: readonly string[]): unknown {
  const id = (t: string) => vocab.indexOf(t);
  const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
  const sep = (typeId: number) => ({ SpecialToken: { id: '[SEP]', type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => specialToken(id(t), t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep(0)],
      pair: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep(0), { Sequence: { id: 'B', type_id: 1 } }, sep(1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

const SPECIAL_TOKENS_MAP = {
  cls_token: '[CLS]',
  mask_token: '[MASK]',
  pad_token: '[PAD]',
  sep_token: '[SEP]',
  unk_token: '[UNK]',
};

/**
 * The generated tokenizer files of the `tiny` shape (its vocabulary is {@link tinyVocab}).
 * @example const files = tinyTokenizerFiles(); files.map((f) => f.path) // tokenizer.json, ...
 */
export function tinyTokenizerFiles(modelMaxLength = 128): OutputFile[] {
  const vocab = tinyVocab();
  return [
    { path: 'tokenizer.json', data: json(tinyTokenizerJson(vocab)) },
    {
      path: 'tokenizer_config.json',
      data: json({
        clean_up_tokenization_spaces: true,
        do_basic_tokenize: true,
        do_lower_case: true,
        model_max_length: modelMaxLength,
        never_split: null,
        strip_accents: null,
        tokenize_chinese_chars: true,
        tokenizer_class: 'BertTokenizer',
        ...SPECIAL_TOKENS_MAP,
      }),
    },
    { path: 'special_tokens_map.json', data: json(SPECIAL_TOKENS_MAP) },
    { path: 'vocab.txt', data: Buffer.from(`${vocab.join('\n')}\n`) },
  ];
}

/**
 * The four tokenizer files copied byte for byte from `dir`; a missing file throws
 * `MODEL_TOKENIZER_NOT_FOUND`.
 * @example const files = await copiedTokenizerFiles('../shared/models/all-MiniLM-L6-v2');
 */
export async function copiedTokenizerFiles(dir: string): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const name of TOKENIZER_FILES) {
    const file = path.join(dir, name);
    try {
      files.push({ path: name, data: await readFile(file) });
    } catch (err) {
      throw appError(
        'MODEL_TOKENIZER_NOT_FOUND',
        `tokenizer file ${file} cannot be read (pass the folder of the real tokenizer with --tokenizer or set AFFINITY_SHARED_DIR)`,
        { dir, file },
        err,
      );
    }
  }
  return files;
}

/**
 * The tokenizer files for `shape`: generated for `tiny`, copied from `tokenizerDir` (default
 * {@link defaultMiniLmTokenizerDir}) for shapes that use a real tokenizer.
 * @example const files = await tokenizerFilesFor(getShape('tiny'));
 */
export async function tokenizerFilesFor(shape: BertShape, tokenizerDir?: string): Promise<OutputFile[]> {
  if (shape.tokenizer === 'generated-tiny') return tinyTokenizerFiles(shape.maxPositionEmbeddings);
  return copiedTokenizerFiles(path.resolve(tokenizerDir ?? defaultMiniLmTokenizerDir()));
}
