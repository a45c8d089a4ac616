import type { PersonalDataSource } from '../../../shared/privacy/index.ts';
import type { CatalogRepository } from './catalog.repository.ts';

/**
 * A user's interaction events (the only per-user rows the recommender keeps: items, item
 * vectors and trained models hold no user id), and the per-user candidate cache of this
 * process, dropped on erasure.
 */
export function eventsPersonalData(repo: CatalogRepository, forget: (userId: string) => void): PersonalDataSource {
  return {
    name: 'events',
    exportUser: (userId) => repo.eventsOfUser(userId),
    async eraseUser(userId) {
      const events = await repo.deleteUserEvents(userId);
      forget(userId);
      return { events };
    },
    forgetUser: forget,
  };
}
