export { ModelRegistry, newVersionName, UNREADABLE_CURRENT, type ModelVersion, type VersionManifest, type VersionStatus } from './model-registry.ts';
export { registryRouter, type OnModelChange } from './registry.routes.ts';
export { versionsToPrune, type RetentionPolicy } from './retention-plan.ts';
