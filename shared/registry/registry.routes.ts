import { ApiRoutes, parseOr400 } from '../http/index.ts';
import type { ModelRegistry } from './model-registry.ts';
import { currentResponse, kindParam, kindParams, kindResponse, MODEL_KINDS, modelsResponse, promoteBody } from './registry.schema.ts';

/** Told after a promotion or rollback, so that every serving process reloads. */
export type OnModelChange = (kind: string, version: string, action: 'promoted' | 'rolled-back') => Promise<void>;

/**
 * `GET /v1/admin/models`, `GET /v1/admin/models/:kind` (with the version this process serves), `POST /v1/admin/models/:kind/promote`
 * (`{ version }`) and `POST /v1/admin/models/:kind/rollback`.
 */
export function registryRouter(registry: ModelRegistry, onChange: OnModelChange, servedBy: (kind: string) => string | undefined = () => undefined): ApiRoutes {
  const routes = new ApiRoutes('admin: models');
  routes.get(
    '/v1/admin/models',
    {
      operationId: 'listModels',
      summary: 'The version in service of each model kind, and the one this process serves',
      responses: { 200: { description: 'Per kind: version, metrics and creation time, or null (none, or unreadable)', schema: modelsResponse } },
    },
    async (_req, res) => {
      const entries = await Promise.all(
        MODEL_KINDS.map(async (kind) => {
          // unreadable (damaged CURRENT or manifest): null here; GET /v1/admin/models/{kind} shows the versions
          const current = await registry.currentIfReadable(kind);
          return [kind, current ? { version: current.manifest.version, metrics: current.manifest.metrics, created: current.manifest.created } : null] as const;
        }),
      );
      const served = Object.fromEntries(MODEL_KINDS.map((kind) => [kind, servedBy(kind) ?? null])) as Record<(typeof MODEL_KINDS)[number], string | null>;
      res.json({ models: Object.fromEntries(entries) as Record<(typeof MODEL_KINDS)[number], (typeof entries)[number][1]>, served });
    },
  );
  routes.get(
    '/v1/admin/models/:kind',
    {
      operationId: 'getModelVersions',
      summary: 'Every version of a model kind, the current one and the one this process serves',
      params: kindParams,
      responses: { 200: { description: 'The versions, oldest first (a version whose manifest is unreadable is left out)', schema: kindResponse } },
    },
    async (req, res) => {
      const kind = parseOr400(kindParam, req.params.kind, 'kind');
      // the name CURRENT holds, even when that version's manifest is damaged (it is then missing from `versions`)
      const current = await registry.currentName(kind).catch(() => undefined);
      const versions = (await registry.list(kind)).map((v) => v.manifest);
      // `served`: the version this process has loaded (it follows `current` within moments of a change)
      res.json({ kind, current: current ?? null, served: servedBy(kind) ?? null, versions });
    },
  );
  routes.post(
    '/v1/admin/models/:kind/promote',
    {
      operationId: 'promoteModel',
      summary: 'Put a version in service',
      description: 'Every serving process loads it within moments; the version it replaces is retired.',
      params: kindParams,
      body: promoteBody,
      responses: { 200: { description: 'The version now current', schema: currentResponse } },
      errors: ['REGISTRY_INVALID_NAME', 'REGISTRY_VERSION_NOT_FOUND', 'REGISTRY_VERSION_CORRUPT', 'REGISTRY_BUSY'],
    },
    async (req, res) => {
      const kind = parseOr400(kindParam, req.params.kind, 'kind');
      const { version } = parseOr400(promoteBody, req.body);
      const v = await registry.promote(kind, version);
      await onChange(kind, v.manifest.version, 'promoted');
      res.json({ kind, current: v.manifest.version });
    },
  );
  routes.post(
    '/v1/admin/models/:kind/rollback',
    {
      operationId: 'rollbackModel',
      summary: 'Put back the version that was in service before the current one',
      params: kindParams,
      responses: { 200: { description: 'The version now current', schema: currentResponse } },
      errors: ['REGISTRY_VERSION_NOT_FOUND', 'REGISTRY_VERSION_CORRUPT', 'REGISTRY_BUSY'],
    },
    async (req, res) => {
      const kind = parseOr400(kindParam, req.params.kind, 'kind');
      const v = await registry.rollback(kind);
      await onChange(kind, v.manifest.version, 'rolled-back');
      res.json({ kind, current: v.manifest.version });
    },
  );
  return routes;
}
