export { runApiCluster, type ApiClusterOptions } from './api-cluster.ts';
export { clusterMetrics, inApiCluster, shareRegistry } from './cluster-metrics.ts';
export { lowerProcessPriority } from './lower-priority.ts';
export { MALLOC_MMAP_THRESHOLD, withMallocDefaults } from './malloc-env.ts';
export { superviseChild, type SupervisedChild, type SupervisedChildOptions } from './supervised-child.ts';
