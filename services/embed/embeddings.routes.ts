import { appError } from '../../shared/errors/index.ts';
import { ApiRoutes, parseOr400 } from '../../shared/http/index.ts';
import type { EmbedService } from './embed-service.ts';
import { embeddingsRequest, embeddingsResponse, type EmbeddingsResponse } from './embeddings.schema.ts';

export interface EmbeddingsRouteOptions {
  maxInputs: number;
  maxInputChars: number;
  /** Other names the served model answers to (e.g. the EMBED_MODEL it was loaded from). */
  aliases?: readonly string[];
}

function toBase64(v: Float32Array): string {
  // little-endian float32 bytes, as OpenAI's base64 encoding is
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

/**
 * `POST /v1/embeddings`, compatible with the OpenAI embeddings API, so existing OpenAI
 * clients work against it unchanged (`baseURL: http://host:8080/v1`).
 */
export function embeddingsRouter(embed: EmbedService, opts: EmbeddingsRouteOptions): ApiRoutes {
  const routes = new ApiRoutes('embeddings');
  routes.post(
    '/v1/embeddings',
    {
      operationId: 'createEmbedding',
      // a query, though a POST: a read key may call it
      scope: 'read',
      summary: 'Embeddings of one or more texts (OpenAI-compatible)',
      description: `At most ${opts.maxInputs} strings of at most ${opts.maxInputChars} characters each. \`model\` may be left out or name the served model.`,
      body: embeddingsRequest,
      responses: { 200: { description: 'One embedding per input, in order', schema: embeddingsResponse } },
      errors: [
        'EMBED_INPUT_EMPTY',
        'EMBED_TOO_MANY_INPUTS',
        'EMBED_INPUT_TOO_LONG',
        'EMBED_MODEL_UNKNOWN',
        'EMBED_DIMENSIONS_UNSUPPORTED',
        'EMBED_MODEL_NOT_LOADED',
        'EMBED_OVERLOADED',
        'EMBED_INFERENCE_FAILED',
      ],
    },
    async (req, res) => {
      const body = parseOr400(embeddingsRequest, req.body);
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      if (inputs.length === 0) throw appError('EMBED_INPUT_EMPTY', 'input is an empty array');
      if (inputs.length > opts.maxInputs) {
        throw appError('EMBED_TOO_MANY_INPUTS', `input has ${inputs.length} strings; at most ${opts.maxInputs} are allowed`, {
          limit: opts.maxInputs,
        });
      }
      inputs.forEach((text, index) => {
        if (text.trim().length === 0) throw appError('EMBED_INPUT_EMPTY', `input[${index}] is empty`, { index });
        if (text.length > opts.maxInputChars) {
          throw appError('EMBED_INPUT_TOO_LONG', `input[${index}] has ${text.length} characters; at most ${opts.maxInputChars}`, {
            index,
            limit: opts.maxInputChars,
          });
        }
      });
      const info = embed.info;
      if (!info) throw appError('EMBED_MODEL_NOT_LOADED', embed.failure ? `model failed to load: ${embed.failure.message}` : undefined);
      if (body.model !== undefined && body.model !== info.id && !opts.aliases?.includes(body.model)) {
        throw appError('EMBED_MODEL_UNKNOWN', `model "${body.model}" is not served here; served: "${info.id}"`, { served: [info.id] });
      }
      if (body.dimensions !== undefined && body.dimensions !== info.dim) {
        throw appError('EMBED_DIMENSIONS_UNSUPPORTED', `${info.id} returns ${info.dim} dimensions, not ${body.dimensions}`, {
          dimensions: info.dim,
        });
      }

      const result = await embed.embed(inputs);
      const promptTokens = result.tokens.reduce((a, b) => a + b, 0);
      const response: EmbeddingsResponse = {
        object: 'list',
        data: result.vectors.map((v, index) => ({
          object: 'embedding',
          index,
          embedding: body.encoding_format === 'base64' ? toBase64(v) : Array.from(v),
          truncated: result.truncated[index]!,
        })),
        model: info.id,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
      res.json(response);
    },
  );
  return routes;
}
