import { Router } from 'express';
import { parseOr400 } from '../../../shared/http/index.ts';
import { entityId } from '../catalog/catalog.schema.ts';
import type { RecommendService } from './recommend.service.ts';
import type { SearchService } from './search.service.ts';
import { recommendationsQuery, searchQuery, similarQuery } from './serving.schema.ts';

export interface ServingLimits {
  maxK: number;
  defaultK: number;
}

/** `GET /v1/users/:id/recommendations`, `GET /v1/items/:id/similar`, `GET /v1/search`. */
export function servingRouter(recommend: RecommendService, search: SearchService, limits: ServingLimits): Router {
  const router = Router();
  const recQ = recommendationsQuery(limits.maxK, limits.defaultK);
  const simQ = similarQuery(limits.maxK, limits.defaultK);
  const searchQ = searchQuery(limits.maxK, limits.defaultK);

  router.get('/v1/users/:id/recommendations', async (req, res) => {
    const userId = parseOr400(entityId, req.params.id, 'id');
    const q = parseOr400(recQ, req.query, 'query');
    const { context_items: contextItems, ...rest } = q;
    const r = await recommend.forUser(userId, { ...rest, contextItems });
    res.json({ user_id: userId, strategy: r.strategy, items: r.items });
  });

  router.get('/v1/items/:id/similar', async (req, res) => {
    const itemId = parseOr400(entityId, req.params.id, 'id');
    const { k, ...filter } = parseOr400(simQ, req.query, 'query');
    res.json({ item_id: itemId, items: await recommend.similar(itemId, k, filter) });
  });

  router.get('/v1/search', async (req, res) => {
    const { q, k, ...filter } = parseOr400(searchQ, req.query, 'query');
    res.json({ query: q, items: await search.search(q, k, filter) });
  });

  return router;
}
