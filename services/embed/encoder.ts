import { appError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { openSession, type DeviceChoice, type InferenceSession, type Int64Input, type Provider } from './onnx-backend.ts';
import { readModelFolder, type Dtype } from './model-folder.ts';
import { l2Normalize, poolRow, type Pooling } from './pooling.ts';
import { TextTokenizer, type TokenizedText } from './text-tokenizer.ts';

export interface EncoderOptions {
  /** Public name of the model. */
  id: string;
  dtype: Dtype | 'auto';
  device: DeviceChoice;
  intraOpThreads: number;
  interOpThreads: number;
  /** Overrides of the folder's own settings. */
  pooling?: Pooling;
  maxLength?: number;
  normalize: boolean;
  log: Logger;
}

/** What is served, as /readyz and the admin API show it. */
export interface EncoderInfo {
  id: string;
  dir: string;
  dim: number;
  dtype: Dtype;
  provider: Provider;
  pooling: Pooling;
  normalize: boolean;
  maxLength: number;
}

const OUTPUT_PREFERENCE = ['last_hidden_state', 'token_embeddings', 'sentence_embedding'];

/**
 * A Transformer encoder: tokenizer + ONNX session + pooling. `embed` runs one batch as given;
 * batching across callers is the micro-batcher's job.
 * @example const enc = await Encoder.load(dir, opts); const [v] = await enc.embed([enc.tokenize('hi')])
 */
export class Encoder {
  private active = 0;
  private drained: (() => void) | undefined;

  private constructor(
    readonly info: EncoderInfo,
    private readonly tokenizer: TextTokenizer,
    private readonly session: InferenceSession,
    private readonly outputName: string,
    private readonly feedsTokenTypes: boolean,
  ) {}

  static async load(dir: string, opts: EncoderOptions): Promise<Encoder> {
    const folder = readModelFolder(dir);
    const dtype: Dtype =
      opts.dtype === 'auto' ? (folder.onnx.int8 && opts.device === 'cpu' ? 'int8' : folder.onnx.fp32 ? 'fp32' : 'int8') : opts.dtype;
    const file = folder.onnx[dtype];
    if (!file) throw appError('EMBED_MODEL_INVALID', `${dir} has no ${dtype} weights`);
    const maxLength = opts.maxLength && opts.maxLength > 0 ? Math.min(opts.maxLength, folder.maxLength) : folder.maxLength;
    const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, maxLength);
    const session = await openSession(file, opts);
    for (const required of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(required)) {
        await session.release();
        throw appError('EMBED_MODEL_INVALID', `${file} has no input ${required} (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    const outputName = OUTPUT_PREFERENCE.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0]!;
    const pooling = opts.pooling ?? folder.pooling ?? 'mean';
    const partial = { id: opts.id, dir, dtype, provider: session.provider, pooling, normalize: opts.normalize, maxLength, dim: 0 };
    const encoder = new Encoder(partial, tokenizer, session, outputName, session.inputNames.includes('token_type_ids'));
    // one warm-up run: finds the real dimension and pays ORT's first-run costs before traffic
    const [probe] = await encoder.embed([encoder.tokenize('warm up')]);
    partial.dim = probe!.length;
    if (folder.hiddenSize !== undefined && folder.hiddenSize !== partial.dim && outputName === 'last_hidden_state') {
      throw appError('EMBED_MODEL_INVALID', `config.json says hidden_size ${folder.hiddenSize} but the model outputs ${partial.dim}`);
    }
    return encoder;
  }

  tokenize(text: string): TokenizedText {
    return this.tokenizer.encode(text);
  }

  /** Embeds one batch in one inference (right-padded to its longest member). */
  async embed(batch: readonly TokenizedText[]): Promise<Float32Array[]> {
    if (batch.length === 0) return [];
    const rows = batch.length;
    let seq = 0;
    for (const t of batch) seq = Math.max(seq, t.ids.length);
    const ids = new BigInt64Array(rows * seq);
    const mask = new BigInt64Array(rows * seq);
    batch.forEach((t, r) => {
      const off = r * seq;
      for (let i = 0; i < t.ids.length; i++) {
        ids[off + i] = BigInt(t.ids[i]!);
        mask[off + i] = 1n;
      }
    });
    const dims = [rows, seq];
    const feeds: Record<string, Int64Input> = { input_ids: { data: ids, dims }, attention_mask: { data: mask, dims } };
    if (this.feedsTokenTypes) feeds.token_type_ids = { data: new BigInt64Array(rows * seq), dims };
    this.active++;
    let out;
    try {
      out = await this.session.run(feeds, this.outputName);
    } finally {
      if (--this.active === 0) this.drained?.();
    }
    return batch.map((t, r) => {
      const v = poolRow(out.data, out.dims, r, t.ids.length, this.info.pooling);
      return this.info.normalize ? l2Normalize(v) : v;
    });
  }

  /** Releases the session once the runs in flight have finished. */
  async close(): Promise<void> {
    if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.session.release();
  }
}
