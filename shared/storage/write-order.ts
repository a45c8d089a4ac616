/**
 * A batch's rows in id order (code-point order, the same in every process), the order a batch
 * writes them in: two batches sharing rows then lock them in the same order and never wait on
 * each other in a cycle (a deadlock on PostgreSQL, where writers run at once; SQLite has one
 * writer at a time).
 * The key is the row's `id`, or what `idOf` says.
 * @example for (const it of inIdOrder(items)) await tx.run(…)
 */
export function inIdOrder<T extends { id: string }>(rows: readonly T[]): T[];
export function inIdOrder<T>(rows: readonly T[], idOf: (row: T) => string): T[];
export function inIdOrder<T>(rows: readonly T[], idOf: (row: T) => string = (row) => (row as { id: string }).id): T[] {
  return [...rows].sort((a, b) => {
    const x = idOf(a);
    const y = idOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
