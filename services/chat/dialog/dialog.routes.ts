import { ApiRoutes, parseOr400 } from '../../../shared/http/index.ts';
import { createSessionBody, createSessionResponse, feedbackBody, feedbackResponse, messageBody, messageReply, sessionParams, transcriptResponse } from './dialog.schema.ts';
import type { DialogService } from './dialog.service.ts';

/** `POST /v1/chat/sessions`, `POST /v1/chat/sessions/:id/messages`, `GET /v1/chat/sessions/:id`, `POST /v1/chat/feedback`. */
export function dialogRouter(dialog: DialogService, opts: { maxMessageChars: number }): ApiRoutes {
  const r = new ApiRoutes('chat');
  const message = messageBody(opts.maxMessageChars);
  r.post(
    '/v1/chat/sessions',
    {
      operationId: 'createChatSession',
      // talking to the bot changes no shop data (sessions expire): a read key may, e.g. a shop's chat widget
      scope: 'read',
      summary: 'Start a conversation',
      body: createSessionBody,
      bodyRequired: false,
      responses: { 201: { description: 'The new session', schema: createSessionResponse } },
      errors: ['REDIS_UNAVAILABLE'],
    },
    async (req, res) => {
      const body = parseOr400(createSessionBody, req.body ?? {});
      res.status(201).json(await dialog.createSession(body.user_id));
    },
  );
  r.get(
    '/v1/chat/sessions/:id',
    {
      operationId: 'getChatSession',
      summary: 'A conversation: what it knows and every turn',
      params: sessionParams,
      responses: { 200: { description: 'The transcript', schema: transcriptResponse } },
      errors: ['CHAT_SESSION_NOT_FOUND', 'REDIS_UNAVAILABLE'],
    },
    async (req, res) => {
      res.json(await dialog.transcript(req.params.id));
    },
  );
  r.post(
    '/v1/chat/sessions/:id/messages',
    {
      operationId: 'sendChatMessage',
      scope: 'read',
      summary: 'A customer message, and the bot\'s reply',
      description:
        'Intent and sentiment, slots (order numbers, emails, amounts, products), then the policy: an answer from the knowledge base with its placeholders filled, a clarifying question, product suggestions, or a hand-off to a person.',
      params: sessionParams,
      body: message,
      responses: { 200: { description: 'The reply and what the models said', schema: messageReply } },
      errors: ['CHAT_SESSION_NOT_FOUND', 'CHAT_SESSION_CONFLICT', 'CHAT_SESSION_USER_MISMATCH', 'CHAT_MODEL_NOT_LOADED', 'REDIS_UNAVAILABLE', 'EMBED_MODEL_NOT_LOADED', 'EMBED_OVERLOADED', 'EMBED_INFERENCE_FAILED'],
    },
    async (req, res) => {
      const body = parseOr400(message, req.body);
      res.json(await dialog.message(req.params.id, body));
    },
  );
  r.post(
    '/v1/chat/feedback',
    {
      operationId: 'postChatFeedback',
      summary: 'The intent a message should have had',
      description: 'The next intent training run learns it; a second correction of a message replaces the first.',
      body: feedbackBody,
      responses: { 201: { description: 'The correction as stored', schema: feedbackResponse } },
      errors: ['CHAT_SESSION_NOT_FOUND', 'CHAT_MESSAGE_NOT_FOUND', 'REDIS_UNAVAILABLE', 'STORAGE_FAILED', 'STORAGE_UNAVAILABLE'],
    },
    async (req, res) => {
      const body = parseOr400(feedbackBody, req.body);
      res.status(201).json(await dialog.feedback(body.session_id, body.message_index, body.intent, { newIntent: body.new_intent === true }));
    },
  );
  return r;
}
