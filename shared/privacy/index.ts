export { createRedactor, luhnValid, parsePiiKinds, redactPii, PII_KINDS, PII_PLACEHOLDERS, type PiiKind, type Redactor } from './pii-redactor.ts';
export type { PersonalDataSource, RetentionTarget } from './personal-data.ts';
