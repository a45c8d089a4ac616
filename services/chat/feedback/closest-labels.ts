/** Levenshtein distance between two short strings (labels), case-insensitively. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Int32Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = new Int32Array(t.length + 1);
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[t.length]!;
}

/**
 * The known labels nearest to `label`, nearest first: those within a third of its length in
 * edits (a typo, `refund_reqest`), or that contain it or are contained in it (`refund`).
 * @example closestLabels('refnd', ['refund', 'cancel_order']) // ['refund']
 */
export function closestLabels(label: string, known: readonly string[], max = 3): string[] {
  const lower = label.toLowerCase();
  const limit = Math.max(1, Math.floor(label.length / 3));
  return known
    .map((k) => ({ k, d: editDistance(label, k), contains: k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase()) }))
    .filter((c) => c.d <= limit || c.contains)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, max)
    .map((c) => c.k);
}
