import { ApiRoutes, parseOr400 } from '../../../shared/http/index.ts';
import { kbEntryParams, kbEntryResponse, kbSearchQuery, kbSearchResponse, kbUpsertBody, kbUpsertResponse } from './kb.schema.ts';
import { presentEntry, type KbService } from './kb.service.ts';

/** `PUT /v1/kb/entries`, `GET|DELETE /v1/kb/entries/:id`, `GET /v1/kb/search`. */
export function kbRouter(kb: KbService): ApiRoutes {
  const r = new ApiRoutes('knowledge base');
  r.put(
    '/v1/kb/entries',
    {
      operationId: 'upsertKbEntries',
      summary: 'Create or replace knowledge base entries',
      description: 'A batch is checked and embedded before anything is written, then stored whole; a rejected batch changes nothing.',
      body: kbUpsertBody,
      responses: { 200: { description: 'The ids stored', schema: kbUpsertResponse } },
      errors: ['KB_BATCH_TOO_LARGE', 'DUPLICATE_ID_IN_BATCH', 'NOT_READY', 'EMBED_OVERLOADED', 'EMBED_INFERENCE_FAILED', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const body = parseOr400(kbUpsertBody, req.body);
      const stored = await kb.upsert(body.entries);
      res.json({ upserted: stored.length, ids: stored.map((e) => e.id) });
    },
  );
  r.get(
    '/v1/kb/entries/:id',
    {
      operationId: 'getKbEntry',
      summary: 'One knowledge base entry',
      params: kbEntryParams,
      responses: { 200: { description: 'The entry', schema: kbEntryResponse } },
      errors: ['KB_ENTRY_NOT_FOUND', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      res.json(presentEntry(await kb.get(req.params.id)));
    },
  );
  r.delete(
    '/v1/kb/entries/:id',
    {
      operationId: 'deleteKbEntry',
      summary: 'Delete a knowledge base entry',
      params: kbEntryParams,
      responses: { 204: { description: 'Deleted' } },
      errors: ['KB_ENTRY_NOT_FOUND', 'NOT_READY', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      await kb.remove(req.params.id);
      res.status(204).end();
    },
  );
  r.get(
    '/v1/kb/search',
    {
      operationId: 'searchKb',
      summary: 'Hybrid search over the knowledge base (BM25 and embeddings)',
      query: kbSearchQuery,
      responses: { 200: { description: 'Up to k entries, best first', schema: kbSearchResponse } },
      errors: ['NOT_READY', 'EMBED_OVERLOADED', 'EMBED_INFERENCE_FAILED'],
    },
    async (req, res) => {
      const q = parseOr400(kbSearchQuery, req.query, 'query');
      const hits = await kb.search(q.q, q.k, q.intent ? (e) => e.intent === q.intent : undefined);
      res.json({ hits: hits.map((h) => ({ ...presentEntry(h.entry), score: h.score, matched: h.matched })) });
    },
  );
  return r;
}
