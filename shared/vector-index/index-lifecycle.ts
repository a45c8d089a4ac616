import { appError } from '../errors/index.ts';

/**
 * The two states that make an index refuse calls: disposed (its memory is gone) and saving
 * (a background write is reading its memory, so it must not change). Searches may run
 * during a save; mutations may not.
 */
export class IndexLifecycle {
  private disposed = false;
  private saving = false;

  constructor(private readonly kind: string) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  assertReadable(): void {
    if (this.disposed) throw appError('VECTOR_INDEX_DISPOSED', `this ${this.kind} index has been disposed`);
  }

  assertWritable(): void {
    this.assertReadable();
    if (this.saving) throw appError('VECTOR_INDEX_BUSY', `this ${this.kind} index is being saved; retry the change when the save is done`);
  }

  /** Runs `write` with mutations refused; one save at a time. */
  async whileSaving<T>(write: () => Promise<T>): Promise<T> {
    this.assertWritable();
    this.saving = true;
    try {
      return await write();
    } finally {
      this.saving = false;
    }
  }

  /** Returns false when it was already disposed. */
  markDisposed(): boolean {
    if (this.disposed) return false;
    this.disposed = true;
    return true;
  }
}
