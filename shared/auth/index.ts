export { createAuth, type AuthModule } from './create-auth.ts';
export { createAccessControl, OPENABLE_ROUTES, SECURITY_SCHEME, type AccessOptions, type OpenableRoutes } from './access-control.ts';
export { ApiKeys, CONTROL, toApiKeyInfo, type ApiKeyInfo, type ApiKeysOptions, type NewApiKey, type Principal } from './api-keys.ts';
export { ApiKeyRepository, authMigrations, type ApiKeyRecord } from './api-key.repository.ts';
export { API_KEY_PATTERN, generateApiKey, hashSecret, parseApiKey } from './api-key.ts';
export { apiKeysRouter } from './api-keys.routes.ts';
export { SharedRateLimitStore, type SharedRateLimitStoreOptions } from './rate-limit-store.ts';
export { defaultScope, grants, parseScopes, SCOPES, strictest, type RouteScope, type Scope } from './scopes.ts';
export { MAX_RATE_LIMIT_PER_MINUTE } from './api-keys.schema.ts';
