import type { Config } from '../config/index.ts';
import type { AccessControl, ApiRoutes } from '../http/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { RedisClient } from '../redis/index.ts';
import type { SqlDatabase } from '../storage/index.ts';
import { createAccessControl } from './access-control.ts';
import { ApiKeyRepository, authMigrations } from './api-key.repository.ts';
import { ApiKeys } from './api-keys.ts';
import { apiKeysRouter } from './api-keys.routes.ts';
import { SharedRateLimitStore } from './rate-limit-store.ts';

export interface AuthModule {
  keys: ApiKeys;
  /** The key management routes (admin scope); mounted whether or not AUTH_ENABLED is on. */
  routes: ApiRoutes;
  /** The access layer for createApp; undefined with AUTH_ENABLED=false (every route open). */
  access: AccessControl | undefined;
  /** Creates the keys table and provisions AFFINITY_ADMIN_KEY; once, tried again after a failure. */
  ready(): Promise<void>;
  /**
   * With auth on, no AFFINITY_ADMIN_KEY and no key ever made, creates an admin key and returns
   * it, for `npm start` to show once; undefined otherwise (and ever after).
   */
  firstStartKey(): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * API keys (in the SQL database), the access layer (scopes, rate limits counted in Redis) and
 * the key routes, from the configuration.
 * @example const auth = createAuth(config, { db, redis, log }); createApp({ ..., access: auth.access, routers: [..., auth.routes] })
 */
export function createAuth(config: Config, deps: { db: SqlDatabase; redis: RedisClient; log: Logger }): AuthModule {
  const keys = new ApiKeys(new ApiKeyRepository(deps.db), { log: deps.log });
  let prepared: Promise<void> | undefined;
  const ready = () => {
    prepared ??= (async () => {
      await deps.db.migrate(authMigrations);
      if (config.AFFINITY_ADMIN_KEY) {
        const outcome = await keys.provision(config.AFFINITY_ADMIN_KEY, 'AFFINITY_ADMIN_KEY');
        if (outcome !== 'unchanged') deps.log.info({ key_id: config.AFFINITY_ADMIN_KEY.split('_')[1] }, `AFFINITY_ADMIN_KEY ${outcome === 'created' ? 'added' : 'secret replaced'} as an admin key`);
      }
    })().catch((err: unknown) => {
      prepared = undefined;
      throw err;
    });
    return prepared;
  };
  const store = config.AUTH_ENABLED ? new SharedRateLimitStore(deps.redis, { log: deps.log }) : undefined;
  const access =
    store &&
    createAccessControl({ keys, ready, open: config.AUTH_OPEN_ROUTES, perMinute: config.RATE_LIMIT_PER_MINUTE, store, log: deps.log });
  return {
    keys,
    routes: apiKeysRouter(keys, ready),
    access,
    ready,
    async firstStartKey() {
      if (!config.AUTH_ENABLED || config.AFFINITY_ADMIN_KEY) return undefined;
      await ready();
      const created = await keys.createFirstAdminKey();
      if (created) deps.log.info({ key_id: created.id }, 'no API key existed: created an admin key (shown once on the terminal)');
      return created?.key;
    },
    async close() {
      store?.shutdown();
    },
  };
}
