import { Worker } from 'node:worker_threads';
import { appError, type ErrorCode, ERROR_CODES } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { InitMessage, WorkerReply } from './inference-protocol.ts';
import type { Provider } from './onnx-backend.ts';

const WORKER_URL = new URL('./inference-worker.mjs', import.meta.url);

interface Job {
  ids: Int32Array;
  lengths: Int32Array;
  resolve: (v: Float32Array[]) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

function toError(code: string, message: string) {
  return appError((code in ERROR_CODES ? code : 'EMBED_INFERENCE_FAILED') as ErrorCode, message);
}

/**
 * Inference worker threads, each with its own ONNX session of the same model. `run` sends a
 * batch to an idle worker (or queues it) and resolves with one pooled vector per text.
 * A worker that dies fails its batch and is replaced.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private closed = false;
  provider: Provider = 'cpu';
  dim = 0;

  private constructor(
    private readonly init: InitMessage,
    private readonly log: Logger,
  ) {}

  /** Starts `workers` threads and waits until each has opened the model. */
  static async start(init: InitMessage, workers: number, log: Logger): Promise<InferencePool> {
    const pool = new InferencePool(init, log);
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { name: 'affinity-inference' });
      const slot: Slot = { worker, job: undefined };
      let ready = false;
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') {
          ready = true;
          this.provider = m.provider;
          for (const l of m.logs) this.log[l.level](l.obj, l.msg);
          this.slots.push(slot);
          resolve(slot);
          this.pump();
        } else if (m.type === 'error' && !ready) {
          reject(toError(m.code, m.message));
          void worker.terminate();
        } else {
          const job = slot.job;
          slot.job = undefined;
          if (job && m.type === 'result') {
            this.dim = m.dim;
            const out: Float32Array[] = [];
            for (let r = 0; r < job.lengths.length; r++) out.push(m.vectors.subarray(r * m.dim, (r + 1) * m.dim));
            job.resolve(out);
          } else if (job && m.type === 'error') {
            job.reject(toError(m.code, m.message));
          }
          this.pump();
        }
      });
      worker.on('error', (err) => {
        if (!ready) reject(appError('EMBED_INFERENCE_FAILED', `inference worker failed to start: ${err.message}`, undefined, err));
        else this.log.error({ err }, 'inference worker crashed');
      });
      worker.on('exit', (code) => {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        slot.job?.reject(appError('EMBED_INFERENCE_FAILED', `inference worker exited (code ${code}) during a batch`));
        slot.job = undefined;
        if (ready && !this.closed) {
          this.log.warn({ code }, 'inference worker exited; starting a new one');
          this.spawn().catch((err: unknown) => this.log.error({ err }, 'could not replace the inference worker'));
        }
      });
      worker.postMessage(this.init);
    });
  }

  /** Runs one batch (token ids back to back, with each text's length) on the next free worker. */
  run(ids: Int32Array, lengths: Int32Array): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(appError('EMBED_MODEL_NOT_LOADED', 'the encoder was closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ ids, lengths, resolve, reject });
      this.pump();
    });
  }

  /** Batches queued or running. */
  get busy(): number {
    return this.waiting.length + this.slots.filter((s) => s.job).length;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.waiting.length === 0) continue;
      const job = this.waiting.shift()!;
      slot.job = job;
      slot.worker.postMessage({ type: 'run', id: 0, ids: job.ids, lengths: job.lengths }, [job.ids.buffer as ArrayBuffer]);
    }
  }

  /** Lets running batches finish, fails queued ones, and stops the threads. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(appError('EMBED_MODEL_NOT_LOADED', 'the encoder was closed'));
    while (this.slots.some((s) => s.job)) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(
      this.slots.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.postMessage({ type: 'close' });
          }),
      ),
    );
  }
}
