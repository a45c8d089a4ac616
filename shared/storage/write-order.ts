/**
 * A batch's rows in id order (code-point order, the same in every process), the order a batch
 * writes them in: two batches sharing rows then lock them in the same order and never wait on
 * each other in a cycle (a deadlock on PostgreSQL, where writers run at once; SQLite has one
 * writer at a time).
 * @example for (const it of inIdOrder(items)) await tx.run(…)
 */
export function inIdOrder<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
