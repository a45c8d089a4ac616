import { ApiRoutes, parseOr400 } from '../http/index.ts';
import type { ApiKeys } from './api-keys.ts';
import { createdKeyResponse, createKeyBody, apiKeyInfo, keyIdParam, keyIdParams, keysResponse } from './api-keys.schema.ts';

/**
 * `GET /v1/admin/keys`, `POST /v1/admin/keys` (the new key in the answer, once) and
 * `DELETE /v1/admin/keys/:id` (revokes). Admin scope, like everything under /v1/admin.
 */
export function apiKeysRouter(keys: ApiKeys, ready: () => Promise<void>): ApiRoutes {
  const routes = new ApiRoutes('admin: API keys');
  routes.get(
    '/v1/admin/keys',
    {
      operationId: 'listApiKeys',
      summary: 'Every API key, revoked ones included (never a secret)',
      responses: { 200: { description: 'The keys, oldest first', schema: keysResponse } },
    },
    async (_req, res) => {
      await ready();
      res.json({ keys: await keys.list() });
    },
  );
  routes.post(
    '/v1/admin/keys',
    {
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description: 'The answer holds the whole key; only a hash of it is stored, so it cannot be shown again.',
      body: createKeyBody,
      responses: { 201: { description: 'The key, with the secret this once', schema: createdKeyResponse } },
    },
    async (req, res) => {
      const body = parseOr400(createKeyBody, req.body);
      await ready();
      const { key, info } = await keys.create({ name: body.name, scopes: body.scopes, rateLimit: body.rate_limit_per_minute ?? null });
      res.status(201).json({ key, ...info });
    },
  );
  routes.delete(
    '/v1/admin/keys/:id',
    {
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'Refused at once by this process, within 10 s by the others. Revoking a revoked key changes nothing.',
      params: keyIdParams,
      responses: { 200: { description: 'The key, revoked', schema: apiKeyInfo } },
      errors: ['API_KEY_NOT_FOUND'],
    },
    async (req, res) => {
      const id = parseOr400(keyIdParam, req.params.id, 'id');
      await ready();
      res.json(await keys.revoke(id));
    },
  );
  return routes;
}
