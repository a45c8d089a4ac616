import type { MetricsRegistry } from './metrics-registry.ts';

/** A model this process serves: its kind (`recommend`, `intents`, `encoder`, …) and version. */
export interface ServedModel {
  kind: string;
  version: string | undefined;
}

/**
 * `affinity_model_version_info{kind, version} 1` for each model in service. Read from the
 * serving state at every scrape, so it follows each load, swap and rollback without hooks
 * (and without a stale series left behind by the version that was replaced).
 * @example registerModelVersions(metrics, () => [{ kind: 'recommend', version: recommend.modelVersion }])
 */
export function registerModelVersions(metrics: MetricsRegistry, served: () => ServedModel[]): void {
  metrics.gauge({
    // the same in every API process: not to be summed over a cluster
    aggregator: 'max',
    name: 'affinity_model_version_info',
    help: 'The model version in service per kind (value 1; the version is the label)',
    labelNames: ['kind', 'version'],
    collect() {
      this.reset();
      for (const m of served()) if (m.version) this.set({ kind: m.kind, version: m.version }, 1);
    },
  });
}
