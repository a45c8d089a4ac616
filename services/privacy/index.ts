// Public surface of the privacy service; other modules import only from here.
export { createPrivacy, retentionRules, type PrivacyModule } from './create-privacy.ts';
export { PrivacyService, type ErasureReport, type UserExport } from './privacy.service.ts';
export { purgeRetention, type RetentionOutcome, type RetentionRule } from './retention.ts';
export { purgeRetentionJob } from './purge-retention.job.ts';
