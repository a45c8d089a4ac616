/**
 * The samples of `name` in a Prometheus text exposition whose labels include `labels`, each
 * with all its labels: for tools that read a scrape (benchmarks, tests) and must add up the
 * series of a cluster's processes (`api_process`).
 * @example samples(text, 'affinity_recommend_cache_lookups_total', { result: 'miss' })
 */
export function samples(text: string, name: string, labels: Readonly<Record<string, string>> = {}): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) out.push({ labels: found, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples `samples` finds: over a cluster, the total of its processes. */
export function sumOfSamples(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}
