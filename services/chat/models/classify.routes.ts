import { ApiRoutes, parseOr400 } from '../../../shared/http/index.ts';
import type { ErrorCode } from '../../../shared/errors/index.ts';
import type { Prediction } from '../classify/index.ts';
import type { ChatModels } from './chat-models.ts';
import { normalizeMessage } from '../dialog/normalize.ts';
import { classifyBody, classifyResponse } from './classify.schema.ts';
import { sentimentLabel } from './sentiment-label.ts';

const present = (p: Prediction, name: (l: string) => string = (l) => l) => ({
  label: p.label === 'unknown' ? 'unknown' : name(p.label),
  confidence: p.confidence,
  alternatives: p.top.map((t) => ({ label: name(t.label), confidence: t.confidence })),
});

/** The texts as the chat route hands them to the models: normalised (quotes, full-width forms, spaces). */
const textsOf = (b: { text?: string; texts?: string[] }): string[] => (b.texts ?? [b.text!]).map(normalizeMessage);

const ERRORS: readonly ErrorCode[] = ['CHAT_MODEL_NOT_LOADED', 'EMBED_MODEL_NOT_LOADED', 'EMBED_OVERLOADED', 'EMBED_INFERENCE_FAILED'];

/**
 * `POST /v1/classify/intent` and `POST /v1/classify/sentiment`: `{ text }` answers one
 * result, `{ texts }` answers `{ results }` in order. Each: label (`unknown` below the model's
 * out-of-scope threshold), calibrated confidence, top-k alternatives.
 */
export function classifyRouter(models: ChatModels, opts: { maxChars: number; defaultTopK: number }): ApiRoutes {
  const r = new ApiRoutes('classification');
  const body = classifyBody(opts.maxChars);
  r.post(
    '/v1/classify/intent',
    {
      operationId: 'classifyIntent',
      // a query, though a POST: a read key may call it
      scope: 'read',
      summary: 'Intent of one text or of several',
      description: `\`top_k\` alternatives (default ${opts.defaultTopK}).`,
      body,
      responses: { 200: { description: '`{ text }`: one classification; `{ texts }`: `{ results }` in order', schema: classifyResponse } },
      errors: ERRORS,
    },
    async (req, res) => {
      const b = parseOr400(body, req.body);
      const predictions = await models.predictIntents(textsOf(b), b.top_k ?? opts.defaultTopK);
      const results = predictions.map((p) => present(p));
      res.json(b.texts ? { results } : results[0]!);
    },
  );
  r.post(
    '/v1/classify/sentiment',
    {
      operationId: 'classifySentiment',
      scope: 'read',
      summary: 'Sentiment (negative, positive…) of one text or of several',
      description: '`top_k` alternatives (default 2).',
      body,
      responses: { 200: { description: '`{ text }`: one classification; `{ texts }`: `{ results }` in order', schema: classifyResponse } },
      errors: ERRORS,
    },
    async (req, res) => {
      const b = parseOr400(body, req.body);
      const predictions = await models.predictSentiment(textsOf(b), b.top_k ?? 2);
      const results = predictions.map((p) => present(p, sentimentLabel));
      res.json(b.texts ? { results } : results[0]!);
    },
  );
  return r;
}
