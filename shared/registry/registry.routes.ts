import { Router } from 'express';
import { z } from 'zod';
import { parseOr400 } from '../http/index.ts';
import type { ModelRegistry } from './model-registry.ts';

/** Told after a promotion or rollback, so that every serving process reloads. */
export type OnModelChange = (kind: string, version: string, action: 'promoted' | 'rolled-back') => Promise<void>;

const KINDS = ['recommend', 'intents', 'sentiment'] as const;
const kindParam = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'not a model kind');

/**
 * `GET /v1/admin/models`, `GET /v1/admin/models/:kind` (with the version this process serves), `POST /v1/admin/models/:kind/promote`
 * (`{ version }`) and `POST /v1/admin/models/:kind/rollback`.
 */
export function registryRouter(registry: ModelRegistry, onChange: OnModelChange, served: (kind: string) => string | undefined = () => undefined): Router {
  const router = Router();
  router.get('/v1/admin/models', async (_req, res) => {
    const out: Record<string, unknown> = {};
    for (const kind of KINDS) {
      const current = await registry.current(kind);
      out[kind] = current ? { version: current.manifest.version, metrics: current.manifest.metrics, created: current.manifest.created } : null;
    }
    res.json({ models: out });
  });
  router.get('/v1/admin/models/:kind', async (req, res) => {
    const kind = parseOr400(kindParam, req.params.kind, 'kind');
    const current = await registry.current(kind);
    const versions = (await registry.list(kind)).map((v) => v.manifest);
    // `served`: the version this process has loaded (it follows `current` within moments of a change)
    res.json({ kind, current: current?.manifest.version ?? null, served: served(kind) ?? null, versions });
  });
  router.post('/v1/admin/models/:kind/promote', async (req, res) => {
    const kind = parseOr400(kindParam, req.params.kind, 'kind');
    const { version } = parseOr400(z.object({ version: z.string().min(1).max(64) }).strict(), req.body);
    const v = await registry.promote(kind, version);
    await onChange(kind, v.manifest.version, 'promoted');
    res.json({ kind, current: v.manifest.version });
  });
  router.post('/v1/admin/models/:kind/rollback', async (req, res) => {
    const kind = parseOr400(kindParam, req.params.kind, 'kind');
    const v = await registry.rollback(kind);
    await onChange(kind, v.manifest.version, 'rolled-back');
    res.json({ kind, current: v.manifest.version });
  });
  return router;
}
