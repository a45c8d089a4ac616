import type { Config } from '../../shared/config/index.ts';
import type { ApiRoutes } from '../../shared/http/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { PersonalDataSource } from '../../shared/privacy/index.ts';
import type { FeedbackRepository } from '../chat/index.ts';
import type { CatalogRepository } from '../recommend/index.ts';
import { privacyRouter } from './privacy.routes.ts';
import { PrivacyService } from './privacy.service.ts';
import type { RetentionRule } from './retention.ts';

export interface PrivacyModule {
  service: PrivacyService;
  routers: ApiRoutes[];
}

/**
 * Builds erasure and export over every service's personal data. `onErased` tells every
 * serving process (this one included) to drop its in-memory state about the user.
 */
export function createPrivacy(deps: { sources: readonly PersonalDataSource[]; onErased: (userId: string) => Promise<void>; log: Logger }): PrivacyModule {
  const service = new PrivacyService({ sources: deps.sources, onErased: deps.onErased, log: deps.log.child({ module: 'privacy' }) });
  return { service, routers: [privacyRouter(service)] };
}

/**
 * What the purge-retention job deletes: events by their timestamp (RETENTION_EVENTS_DAYS) and
 * intent corrections, the chat texts kept in the database, by when they were recorded
 * (RETENTION_TRANSCRIPTS_DAYS).
 */
export function retentionRules(config: Config, events: CatalogRepository, feedback: FeedbackRepository): RetentionRule[] {
  return [
    { target: { name: 'events', purgeBefore: (cutoff) => events.deleteEventsBefore(cutoff) }, days: config.RETENTION_EVENTS_DAYS },
    { target: { name: 'chat_feedback', purgeBefore: (cutoff) => feedback.deleteBefore(cutoff) }, days: config.RETENTION_TRANSCRIPTS_DAYS },
  ];
}
