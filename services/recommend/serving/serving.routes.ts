import { appError } from '../../../shared/errors/index.ts';
import { ApiRoutes, entityId, parseOr400 } from '../../../shared/http/index.ts';
import { entityIdParams } from '../catalog/catalog.schema.ts';
import type { RecommendService } from './recommend.service.ts';
import type { SearchService } from './search.service.ts';
import { recommendationsQuery, recommendationsResponse, searchQuery, searchResponse, similarQuery, similarResponse } from './serving.schema.ts';

export interface ServingLimits {
  maxK: number;
  defaultK: number;
}

/**
 * `GET /v1/users/:id/recommendations`, `GET /v1/items/:id/similar`, `GET /v1/search`; 503
 * NOT_READY until `ready()` (the model and the catalog index loaded at start): an answer from a
 * half-loaded catalog would be empty, and a user's candidates would be cached empty.
 */
export function servingRouter(recommend: RecommendService, search: SearchService, limits: ServingLimits, ready: () => boolean = () => true): ApiRoutes {
  const routes = new ApiRoutes('recommendations');
  const assertReady = () => {
    if (!ready()) throw appError('NOT_READY', 'the catalog index is still loading');
  };
  const recQ = recommendationsQuery(limits.maxK, limits.defaultK);
  const simQ = similarQuery(limits.maxK, limits.defaultK);
  const searchQ = searchQuery(limits.maxK, limits.defaultK);

  routes.get(
    '/v1/users/:id/recommendations',
    {
      operationId: 'recommendForUser',
      summary: 'Personal recommendations',
      description:
        'The trained model (where one is in service) fused with content neighbours of the user\'s taste, after filters, without what the user bought or rated, nor the `context_items` themselves; `diversity` trades relevance for variety. A user with no events gets what `context_items` suggest, else what is popular.',
      params: entityIdParams,
      query: recQ,
      responses: { 200: { description: 'Up to k items, best first, each with a reason', schema: recommendationsResponse } },
      errors: ['ITEM_NOT_FOUND', 'ITEM_NOT_INDEXED', 'NOT_READY', 'EMBED_OVERLOADED', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      assertReady();
      const userId = parseOr400(entityId, req.params.id, 'id');
      const q = parseOr400(recQ, req.query, 'query');
      const { context_items: contextItems, ...rest } = q;
      const r = await recommend.forUser(userId, { ...rest, contextItems });
      res.json({ user_id: userId, strategy: r.strategy, items: r.items });
    },
  );

  routes.get(
    '/v1/items/:id/similar',
    {
      operationId: 'similarItems',
      summary: 'Items like this one',
      params: entityIdParams,
      query: simQ,
      responses: { 200: { description: 'Up to k items, most similar first', schema: similarResponse } },
      errors: ['ITEM_NOT_FOUND', 'ITEM_NOT_INDEXED', 'NOT_READY', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      assertReady();
      const itemId = parseOr400(entityId, req.params.id, 'id');
      const { k, ...filter } = parseOr400(simQ, req.query, 'query');
      res.json({ item_id: itemId, items: await recommend.similar(itemId, k, filter) });
    },
  );

  routes.get(
    '/v1/search',
    {
      operationId: 'searchItems',
      summary: 'Hybrid product search (BM25 and embeddings)',
      query: searchQ,
      responses: { 200: { description: 'Up to k items, best first', schema: searchResponse } },
      errors: ['NOT_READY', 'EMBED_OVERLOADED', 'EMBED_INFERENCE_FAILED'],
    },
    async (req, res) => {
      assertReady();
      const { q, k, ...filter } = parseOr400(searchQ, req.query, 'query');
      res.json({ query: q, items: await search.search(q, k, filter) });
    },
  );

  return routes;
}
