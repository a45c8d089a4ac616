import { appError } from '../errors/index.ts';
import type { SearchHit, SearchOptions, Vector, VectorIndex } from './vector-index.ts';

interface Slot<T> {
  index: T;
  /** Calls running on this index right now. */
  refs: number;
  /** Replaced by a newer index: dispose it once `refs` drops to zero. */
  retired: boolean;
  disposing: boolean;
  disposed: Promise<void>;
  release: () => void;
}

export interface IndexHolderOptions {
  /** Called when disposing a retired index fails (the swap itself has succeeded by then). */
  onDisposeError?: (err: unknown) => void;
}

/**
 * Holds the live index of a serving process and swaps in a rebuilt one with no failed request.
 *
 * A call takes the current index when it starts and finishes on it, whatever swaps happen
 * meanwhile; `swap` replaces the current index in one assignment, so every call that starts
 * after it sees the new one, and disposes the old index only when the last call still running
 * on it has finished (reference counting).
 *
 * @example
 * const live = new IndexHolder(await HnswIndex.load(dir));
 * const hits = await live.search(vector, 10);          // per request
 * await live.swap(await HnswIndex.load(rebuiltDir));    // on "index published"
 */
export class IndexHolder<T extends VectorIndex = VectorIndex> {
  private slot: Slot<T> | undefined;
  private readonly onDisposeError: (err: unknown) => void;

  constructor(initial?: T, options: IndexHolderOptions = {}) {
    this.onDisposeError = options.onDisposeError ?? (() => undefined);
    if (initial) this.slot = this.makeSlot(initial);
  }

  /** The index new calls would get now, or undefined before the first one is set. */
  get current(): T | undefined {
    return this.slot?.index;
  }

  /**
   * Runs `fn` on the current index, which stays alive until `fn` settles even if it is
   * swapped out meanwhile. Throws `NOT_READY` when no index has been set yet.
   */
  async use<R>(fn: (index: T) => R | Promise<R>): Promise<R> {
    const slot = this.slot;
    if (!slot) throw appError('NOT_READY', 'no vector index is loaded yet');
    slot.refs++;
    try {
      return await fn(slot.index);
    } finally {
      slot.refs--;
      if (slot.retired && slot.refs === 0) this.dispose(slot);
    }
  }

  search(query: Vector, k: number, options?: SearchOptions): Promise<SearchHit[]> {
    return this.use((index) => index.search(query, k, options));
  }

  /**
   * Makes `next` the current index. Resolves once the previous one has been disposed, i.e.
   * after the calls that were running on it have finished.
   */
  async swap(next: T): Promise<void> {
    const previous = this.slot;
    if (previous?.index === next) return;
    this.slot = this.makeSlot(next);
    if (previous) await this.retire(previous);
  }

  /** Stops serving: later calls get `NOT_READY`; resolves when the last index is disposed. */
  async close(): Promise<void> {
    const previous = this.slot;
    this.slot = undefined;
    if (previous) await this.retire(previous);
  }

  private retire(slot: Slot<T>): Promise<void> {
    slot.retired = true;
    if (slot.refs === 0) this.dispose(slot);
    return slot.disposed;
  }

  private dispose(slot: Slot<T>): void {
    // dispose at most once, even if several calls finish together
    if (slot.refs !== 0 || !slot.retired || slot.disposing) return;
    slot.disposing = true;
    Promise.resolve()
      .then(() => slot.index.dispose())
      .catch(this.onDisposeError)
      .finally(slot.release);
  }

  private makeSlot(index: T): Slot<T> {
    let release!: () => void;
    const disposed = new Promise<void>((resolve) => {
      release = resolve;
    });
    return { index, refs: 0, retired: false, disposing: false, disposed, release };
  }
}
