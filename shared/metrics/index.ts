export { MetricsRegistry } from './metrics-registry.ts';
