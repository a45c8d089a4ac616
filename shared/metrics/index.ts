export { MetricsRegistry } from './metrics-registry.ts';
export { serveMetrics, type MetricsServer } from './metrics-server.ts';
export { registerModelVersions, type ServedModel } from './model-versions.ts';
export { samples, sumOfSamples } from './prometheus-text.ts';
