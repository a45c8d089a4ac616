import { Router } from 'express';
import { parseOr400 } from '../../../shared/http/index.ts';
import { entityId, postEventsBody, upsertItemsBody } from './catalog.schema.ts';
import type { CatalogService } from './catalog.service.ts';

/** `PUT /v1/items`, `GET|DELETE /v1/items/:id`, `POST /v1/events`. */
export function catalogRouter(catalog: CatalogService): Router {
  const router = Router();

  router.put('/v1/items', async (req, res) => {
    const body = parseOr400(upsertItemsBody, req.body);
    const r = await catalog.upsertItems(body.items);
    res.json({ upserted: body.items.length, created: r.created.length, updated: r.updated.length });
  });

  router.get('/v1/items/:id', async (req, res) => {
    const id = parseOr400(entityId, req.params.id, 'id');
    res.json(await catalog.getItem(id));
  });

  router.delete('/v1/items/:id', async (req, res) => {
    const id = parseOr400(entityId, req.params.id, 'id');
    await catalog.deleteItem(id);
    res.status(204).end();
  });

  router.post('/v1/events', async (req, res) => {
    const body = parseOr400(postEventsBody, req.body);
    const r = await catalog.insertEvents(body.events);
    res.json(r);
  });

  return router;
}
