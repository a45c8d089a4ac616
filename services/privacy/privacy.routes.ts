import type { z } from 'zod';
import { ApiRoutes, parseOr400 } from '../../shared/http/index.ts';
import { erasureResponse, exportResponse, userId, userParams } from './privacy.schema.ts';
import type { PrivacyService } from './privacy.service.ts';

/** `DELETE /v1/users/:id` (erasure) and `GET /v1/users/:id/export`: admin operations. */
export function privacyRouter(privacy: PrivacyService): ApiRoutes {
  const routes = new ApiRoutes('admin: privacy');
  routes.delete(
    '/v1/users/:id',
    {
      operationId: 'eraseUser',
      summary: 'Erase everything stored about a user',
      scope: 'admin',
      description:
        'Deletes the user\'s events, chat sessions and transcripts and intent corrections, and makes every serving process drop what it caches about them; the next training run no longer sees them. Idempotent: a repeated call returns zeros. See docs/privacy.md.',
      params: userParams,
      responses: { 200: { description: 'What was removed, by kind', schema: erasureResponse } },
      errors: ['REDIS_UNAVAILABLE', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const id = parseOr400(userId, req.params.id, 'id');
      const { erased } = await privacy.erase(id);
      const count = (kind: string) => erased[kind] ?? 0;
      res.json({ user_id: id, erased: { events: count('events'), chat_sessions: count('chat_sessions'), chat_turns: count('chat_turns'), chat_feedback: count('chat_feedback') } });
    },
  );
  routes.get(
    '/v1/users/:id/export',
    {
      operationId: 'exportUser',
      summary: 'Everything stored about a user, as JSON',
      scope: 'admin',
      description: 'Events, live chat sessions with their transcripts (masked as stored) and intent corrections. An unknown user gets empty lists.',
      params: userParams,
      responses: { 200: { description: 'The user\'s data', schema: exportResponse } },
      errors: ['REDIS_UNAVAILABLE', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const id = parseOr400(userId, req.params.id, 'id');
      // the parts are the sources' own types (events, chat); the document describes them
      res.json((await privacy.export(id)) as z.input<typeof exportResponse>);
    },
  );
  return routes;
}
