import { Router } from 'express';
import { parseOr400 } from '../../../shared/http/index.ts';
import { createSessionBody, feedbackBody, messageBody } from './dialog.schema.ts';
import type { DialogService } from './dialog.service.ts';

/** `POST /v1/chat/sessions`, `POST /v1/chat/sessions/:id/messages`, `GET /v1/chat/sessions/:id`, `POST /v1/chat/feedback`. */
export function dialogRouter(dialog: DialogService, opts: { maxMessageChars: number }): Router {
  const r = Router();
  const message = messageBody(opts.maxMessageChars);
  r.post('/v1/chat/sessions', async (req, res) => {
    const body = parseOr400(createSessionBody, req.body ?? {});
    res.status(201).json(await dialog.createSession(body.user_id));
  });
  r.get('/v1/chat/sessions/:id', async (req, res) => {
    res.json(await dialog.transcript(req.params.id));
  });
  r.post('/v1/chat/sessions/:id/messages', async (req, res) => {
    const body = parseOr400(message, req.body);
    res.json(await dialog.message(req.params.id, body));
  });
  r.post('/v1/chat/feedback', async (req, res) => {
    const body = parseOr400(feedbackBody, req.body);
    res.status(201).json(await dialog.feedback(body.session_id, body.message_index, body.intent));
  });
  return r;
}
