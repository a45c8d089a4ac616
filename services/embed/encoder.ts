import { appError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { InferencePool } from './inference-pool.ts';
import { readModelFolder, type Dtype } from './model-folder.ts';
import type { DeviceChoice, Provider } from './onnx-backend.ts';
import type { Pooling } from './pooling.ts';
import { TextTokenizer, type TokenizedText } from './text-tokenizer.ts';

export interface EncoderOptions {
  /** Public name of the model. */
  id: string;
  dtype: Dtype | 'auto';
  device: DeviceChoice;
  /** Inference worker threads, each with its own session. */
  workers?: number;
  /** Threads one inference uses (per worker). */
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
  workers: number;
  /** The model folder says its weights are random (the generated offline encoders): its vectors carry no meaning. */
  randomWeights: boolean;
}

/**
 * A Transformer encoder: a tokenizer on the calling thread and ONNX sessions in worker
 * threads, with pooling and normalisation. `embed` runs one batch as given; batching across
 * callers is the micro-batcher's job.
 * @example const enc = await Encoder.load(dir, opts); const [v] = await enc.embed([enc.tokenize('hi')])
 */
export class Encoder {
  private constructor(
    readonly info: EncoderInfo,
    private readonly tokenizer: TextTokenizer,
    private readonly pool: InferencePool,
  ) {}

  static async load(dir: string, opts: EncoderOptions): Promise<Encoder> {
    const folder = readModelFolder(dir);
    const dtype: Dtype =
      opts.dtype === 'auto' ? (folder.onnx.int8 && opts.device === 'cpu' ? 'int8' : folder.onnx.fp32 ? 'fp32' : 'int8') : opts.dtype;
    const file = folder.onnx[dtype];
    if (!file) throw appError('EMBED_MODEL_INVALID', `${dir} has no ${dtype} weights`);
    const maxLength = opts.maxLength && opts.maxLength > 0 ? Math.min(opts.maxLength, folder.maxLength) : folder.maxLength;
    const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, maxLength);
    const pooling = opts.pooling ?? folder.pooling ?? 'mean';
    const workers = Math.max(1, opts.workers ?? 1);
    const pool = await InferencePool.start(
      {
        type: 'init',
        modelPath: file,
        device: opts.device,
        intraOpThreads: opts.intraOpThreads,
        interOpThreads: opts.interOpThreads,
        pooling,
        normalize: opts.normalize,
      },
      workers,
      opts.log,
    );
    const generator = folder.config.affinity_generator as { random_weights?: boolean } | undefined;
    const info: EncoderInfo = {
      id: opts.id,
      dir,
      dtype,
      provider: pool.provider,
      pooling,
      normalize: opts.normalize,
      maxLength,
      dim: 0,
      workers,
      randomWeights: generator?.random_weights === true,
    };
    const encoder = new Encoder(info, tokenizer, pool);
    try {
      // one warm-up run: finds the real dimension and pays ORT's first-run costs before traffic
      const [probe] = await encoder.embed([encoder.tokenize('warm up')]);
      info.dim = probe!.length;
    } catch (err) {
      await pool.close();
      throw appError('EMBED_MODEL_INVALID', `${file} does not run as an encoder: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
    }
    if (folder.hiddenSize !== undefined && folder.hiddenSize !== info.dim) {
      opts.log.warn({ hidden_size: folder.hiddenSize, dim: info.dim }, 'config.json hidden_size differs from the output dimension');
    }
    return encoder;
  }

  tokenize(text: string): TokenizedText {
    return this.tokenizer.encode(text);
  }

  /** Embeds one batch in one inference (right-padded to its longest member). */
  async embed(batch: readonly TokenizedText[]): Promise<Float32Array[]> {
    if (batch.length === 0) return [];
    const lengths = new Int32Array(batch.length);
    let total = 0;
    batch.forEach((t, i) => {
      lengths[i] = t.ids.length;
      total += t.ids.length;
    });
    const ids = new Int32Array(total);
    let at = 0;
    for (const t of batch) {
      ids.set(t.ids, at);
      at += t.ids.length;
    }
    return this.pool.run(ids, lengths);
  }

  /** Batches queued or running on this encoder's workers. */
  get busy(): number {
    return this.pool.busy;
  }

  /** Releases the sessions once the runs in flight have finished. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
