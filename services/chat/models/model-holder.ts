import { appError } from '../../../shared/errors/index.ts';

interface Disposable {
  dispose(): Promise<void>;
}

interface Slot<T> {
  model: T;
  version: string;
  /** The version's manifest metrics (a sentiment model's calibrated negative threshold among them). */
  metrics: Readonly<Record<string, number>>;
  refs: number;
  retired: boolean;
}

/**
 * The model in service for one kind, swapped without failing a request: a call keeps the model
 * it started on, and a replaced model is disposed when the last call on it has finished.
 * @example const p = await holder.use((clf) => clf.predict(['hi']))
 */
export class ModelHolder<T extends Disposable> {
  private slot: Slot<T> | undefined;

  constructor(private readonly kind: string) {}

  get version(): string | undefined {
    return this.slot?.version;
  }

  get loaded(): boolean {
    return this.slot !== undefined;
  }

  /** The model in service, for a synchronous look (its labels, say); `use` for anything that awaits. */
  peek(): T | undefined {
    return this.slot?.model;
  }

  /** Runs `fn` on the model in service (and its metrics); `CHAT_MODEL_NOT_LOADED` when there is none. */
  async use<R>(fn: (model: T, metrics: Readonly<Record<string, number>>) => Promise<R>): Promise<R> {
    const slot = this.slot;
    if (!slot) throw appError('CHAT_MODEL_NOT_LOADED', `no ${this.kind} model is in service yet`, { missing: [this.kind] });
    slot.refs++;
    try {
      return await fn(slot.model, slot.metrics);
    } finally {
      slot.refs--;
      if (slot.retired && slot.refs === 0) await slot.model.dispose();
    }
  }

  /** Puts `model` in service; the previous one is disposed once idle. */
  async swap(model: T, version: string, metrics: Readonly<Record<string, number>> = {}): Promise<void> {
    const previous = this.slot;
    this.slot = { model, version, metrics, refs: 0, retired: false };
    if (previous) await this.retire(previous);
  }

  async close(): Promise<void> {
    const previous = this.slot;
    this.slot = undefined;
    if (previous) await this.retire(previous);
  }

  private async retire(slot: Slot<T>): Promise<void> {
    slot.retired = true;
    if (slot.refs === 0) await slot.model.dispose();
  }
}
