import { ApiRoutes, entityId, parseOr400 } from '../../../shared/http/index.ts';
import { entityIdParams, itemSchema, postEventsBody, postEventsResponse, upsertItemsBody, upsertItemsResponse } from './catalog.schema.ts';
import type { CatalogService } from './catalog.service.ts';

/** `PUT /v1/items`, `GET|DELETE /v1/items/:id`, `POST /v1/events`. */
export function catalogRouter(catalog: CatalogService): ApiRoutes {
  const routes = new ApiRoutes('catalog');

  routes.put(
    '/v1/items',
    {
      operationId: 'upsertItems',
      summary: 'Create or replace items',
      description: 'A batch is stored whole or not at all; fresh items become searchable once embedded (moments later).',
      body: upsertItemsBody,
      responses: { 200: { description: 'How many items were created and replaced', schema: upsertItemsResponse } },
      errors: ['ITEMS_BATCH_TOO_LARGE', 'DUPLICATE_ID_IN_BATCH', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const body = parseOr400(upsertItemsBody, req.body);
      const r = await catalog.upsertItems(body.items);
      res.json({ upserted: body.items.length, created: r.created.length, updated: r.updated.length });
    },
  );

  routes.get(
    '/v1/items/:id',
    {
      operationId: 'getItem',
      summary: 'One item',
      params: entityIdParams,
      responses: { 200: { description: 'The item', schema: itemSchema } },
      errors: ['ITEM_NOT_FOUND', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const id = parseOr400(entityId, req.params.id, 'id');
      res.json(await catalog.getItem(id));
    },
  );

  routes.delete(
    '/v1/items/:id',
    {
      operationId: 'deleteItem',
      summary: 'Delete an item',
      description: 'It is never recommended or found again; its events stay.',
      params: entityIdParams,
      responses: { 204: { description: 'Deleted' } },
      errors: ['ITEM_NOT_FOUND', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const id = parseOr400(entityId, req.params.id, 'id');
      await catalog.deleteItem(id);
      res.status(204).end();
    },
  );

  routes.post(
    '/v1/events',
    {
      operationId: 'postEvents',
      summary: 'Record interactions (views, carts, purchases, ratings)',
      description: 'A batch is stored whole or not at all; an event whose `event_id` was seen before is not stored twice.',
      body: postEventsBody,
      responses: { 200: { description: 'How many events were stored, and how many were repeats', schema: postEventsResponse } },
      errors: ['EVENTS_BATCH_TOO_LARGE', 'EVENT_ITEM_UNKNOWN', 'EVENT_TIMESTAMP_IN_FUTURE', 'DUPLICATE_ID_IN_BATCH', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const body = parseOr400(postEventsBody, req.body);
      const r = await catalog.insertEvents(body.events);
      res.json(r);
    },
  );

  return routes;
}
