/** `0`/`neg…` → `negative`, `1`/`pos…` → `positive`; other labels (say `neutral`) as they are. */
export function sentimentLabel(raw: string): string {
  const l = raw.trim().toLowerCase();
  if (l === '0' || l.startsWith('neg')) return 'negative';
  if (l === '1' || l.startsWith('pos')) return 'positive';
  return l;
}
