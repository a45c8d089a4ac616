import { appError } from '../../shared/errors/index.ts';
import { planRuns } from './batch-planner.ts';

export interface MicroBatcherOptions<I, O> {
  /** Most items taken from the queue for one dispatch (then split into runs). */
  maxBatchSize: number;
  /** Most padded tokens (items × longest) in one run. */
  maxBatchTokens: number;
  /** Fixed cost of one run, in tokens: how much padding a split must save to be worth it. */
  runOverheadTokens: number;
  /** How long a lone item waits for company when the engine is idle. */
  maxWaitMs: number;
  /** Most items waiting; past it `submit` fails with EMBED_OVERLOADED. */
  maxQueue: number;
  /** Dispatches in flight at once (one per inference worker); default 1. */
  maxConcurrency?: number;
  length: (item: I) => number;
  run: (items: I[]) => Promise<O[]>;
  onRun?: (stats: RunStats) => void;
}

export interface RunStats {
  items: number;
  paddedTokens: number;
  realTokens: number;
  /** Longest time an item of this run waited in the queue. */
  maxWaitMs: number;
  runMs: number;
}

interface Pending<I, O> {
  item: I;
  enqueued: number;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

/**
 * Coalesces concurrent single-item requests into batched runs: a dispatch per free inference
 * worker, items sorted by length and cut into runs that waste little on padding, results
 * routed back to each caller. What arrives while every worker is busy goes out as soon as one
 * is free, without waiting.
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MicroBatcherOptions<I, O>) {}

  get queued(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.opts.maxQueue) {
      return Promise.reject(appError('EMBED_OVERLOADED', `${this.queue.length} texts are already waiting`));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, enqueued: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Submits several items; all are admitted or none (so a request is never half-queued). */
  submitAll(items: readonly I[]): Promise<O[]> {
    if (this.queue.length + items.length > this.opts.maxQueue) {
      return Promise.reject(appError('EMBED_OVERLOADED', `${this.queue.length} texts are already waiting`));
    }
    return Promise.all(items.map((i) => this.submit(i)));
  }

  private get full(): boolean {
    return this.inFlight >= (this.opts.maxConcurrency ?? 1);
  }

  private schedule(): void {
    if (this.full) return;
    if (this.queue.length >= this.opts.maxBatchSize || this.opts.maxWaitMs === 0) {
      this.dispatchSoon();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.dispatchSoon(), this.opts.maxWaitMs);
    }
  }

  private dispatchSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.full && this.queue.length > 0) {
      this.inFlight++;
      const taken = this.queue.splice(0, this.opts.maxBatchSize);
      void this.dispatch(taken).finally(() => {
        this.inFlight--;
        // whatever queued meanwhile has waited long enough: go at once
        if (this.queue.length > 0) setImmediate(() => this.dispatchSoon());
      });
    }
  }

  private async dispatch(taken: Pending<I, O>[]): Promise<void> {
    const lengths = taken.map((p) => this.opts.length(p.item));
    const runs = planRuns(lengths, {
      overhead: this.opts.runOverheadTokens,
      maxItems: this.opts.maxBatchSize,
      maxTokens: this.opts.maxBatchTokens,
    });
    // runs go out together: the inference pool spreads them over its workers in this order
    await Promise.all(
      runs.map(async (run) => {
        const members = run.map((i) => taken[i]!);
        const start = performance.now();
        try {
          const out = await this.opts.run(members.map((m) => m.item));
          members.forEach((m, k) => m.resolve(out[k]!));
        } catch (err) {
          members.forEach((m) => m.reject(err));
        }
        if (this.opts.onRun) {
          const longest = Math.max(...run.map((i) => lengths[i]!));
          this.opts.onRun({
            items: run.length,
            paddedTokens: run.length * longest,
            realTokens: run.reduce((s, i) => s + lengths[i]!, 0),
            maxWaitMs: start - Math.min(...members.map((m) => m.enqueued)),
            runMs: performance.now() - start,
          });
        }
      }),
    );
  }
}
