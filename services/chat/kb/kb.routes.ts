import { Router } from 'express';
import { parseOr400 } from '../../../shared/http/index.ts';
import { kbSearchQuery, kbUpsertBody } from './kb.schema.ts';
import { presentEntry, type KbService } from './kb.service.ts';

/** `PUT /v1/kb/entries`, `GET|DELETE /v1/kb/entries/:id`, `GET /v1/kb/search`. */
export function kbRouter(kb: KbService): Router {
  const r = Router();
  r.put('/v1/kb/entries', async (req, res) => {
    const body = parseOr400(kbUpsertBody, req.body);
    const stored = await kb.upsert(body.entries);
    res.json({ upserted: stored.length, ids: stored.map((e) => e.id) });
  });
  r.get('/v1/kb/entries/:id', async (req, res) => {
    res.json(presentEntry(await kb.get(req.params.id)));
  });
  r.delete('/v1/kb/entries/:id', async (req, res) => {
    await kb.remove(req.params.id);
    res.status(204).end();
  });
  r.get('/v1/kb/search', async (req, res) => {
    const q = parseOr400(kbSearchQuery, req.query, 'query');
    const hits = await kb.search(q.q, q.k, q.intent ? (e) => e.intent === q.intent : undefined);
    res.json({ hits: hits.map((h) => ({ ...presentEntry(h.entry), score: h.score, matched: h.matched })) });
  });
  return r;
}
