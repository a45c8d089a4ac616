import { readFileSync } from 'node:fs';
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors/index.ts';
import type { ApiRoutes, RouteDefinition, SecurityRequirement } from './api-routes.ts';

type Generated = ReturnType<OpenApiGeneratorV31['generateDocument']>;
/** The generated OpenAPI 3.1 document (which always has paths). */
export type OpenApiDocument = Generated & { paths: NonNullable<Generated['paths']> };
export type SecurityScheme = Parameters<OpenAPIRegistry['registerComponent']> extends [infer _T, infer _N, infer C] ? C : never;

export interface OpenApiOptions {
  /** @defaultValue `'Affinity API'` */
  title?: string;
  /** @defaultValue the version in package.json */
  version?: string;
  description?: string;
  /** Security schemes (`components.securitySchemes`), e.g. an API key header. */
  securitySchemes?: Record<string, SecurityScheme>;
  /** The requirement of every operation that does not state its own (`security` in its route doc). */
  security?: SecurityRequirement[];
  /** Error codes every operation can answer besides its own (e.g. an auth layer's 401, 403, 429). */
  commonErrors?: readonly ErrorCode[];
  /** Per operation: its security requirement and the codes enforcing it can answer (the access layer's). */
  routeAccess?: (route: RouteDefinition) => { security: SecurityRequirement[]; errors: readonly ErrorCode[] };
}

const BODY_METHODS = new Set(['post', 'put', 'patch']);
/** What body parsing can answer on any route that takes a body (see create-app and error-middleware). */
const BODY_ERRORS: readonly ErrorCode[] = ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

const packageVersion = (): string => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
};

const DESCRIPTION = [
  'Self-hosted recommendations and customer-service NLP: embeddings (OpenAI-compatible), catalog, recommendations and search, knowledge base, chat, classification, and the admin routes for models and jobs.',
  '',
  'Every error is answered as `{ "error": { "code", "message", "details"? } }`; the codes are stable (docs/errors.md lists them all). Each operation lists the codes it can answer per status. An unknown route answers 404 `ROUTE_NOT_FOUND`; a known path with a method its route does not take, 405 `METHOD_NOT_ALLOWED` with an `Allow` header.',
  '',
  'Generated at start-up from the zod schemas that validate the requests. Served but not described (listed under `x-undocumented`): the Bull Board queue dashboard (HTML) at `/admin/queues`, and the scripts and styles of the HTML pages.',
].join('\n');

/** `/v1/items/:id` → `/v1/items/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/**
 * The error envelope, narrowed to the codes one answer can carry.
 * @example errorBody(['ITEM_NOT_FOUND'])
 */
export function errorBody(codes: readonly ErrorCode[]) {
  return z.strictObject({
    error: z.strictObject({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  });
}

/** The codes a route can answer: its own, those of its input, and those common to all. */
export function routeErrors(route: RouteDefinition, common: readonly ErrorCode[] = []): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.params || route.query || route.body) codes.add('VALIDATION_FAILED');
  if (BODY_METHODS.has(route.method)) for (const c of BODY_ERRORS) codes.add(c);
  for (const c of common) codes.add(c);
  codes.add('INTERNAL');
  return [...codes];
}

function errorResponses(codes: readonly ErrorCode[]): Record<number, ResponseConfig> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, ResponseConfig> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[status] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join('; '),
      content: { 'application/json': { schema: errorBody(list) } },
    };
  }
  return out;
}

function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

/** Refuses a route table the document would misdescribe: duplicates, undeclared path parameters. */
function check(routes: readonly RouteDefinition[]): void {
  const ids = new Set<string>();
  const seen = new Set<string>();
  for (const r of routes) {
    const where = `${r.method.toUpperCase()} ${r.path}`;
    if (ids.has(r.operationId)) throw new Error(`OpenAPI: operationId "${r.operationId}" is used twice (${where})`);
    ids.add(r.operationId);
    const key = `${r.method} ${openApiPath(r.path)}`;
    if (seen.has(key)) throw new Error(`OpenAPI: ${where} is declared twice`);
    seen.add(key);
    const names = pathParamNames(r.path).sort();
    const declared = Object.keys(r.params?.shape ?? {}).sort();
    if (names.join() !== declared.join()) throw new Error(`OpenAPI: ${where} has path parameters [${names.join(', ')}] but documents [${declared.join(', ')}]`);
  }
}

/**
 * The OpenAPI 3.1 document of the routes, generated from their zod schemas.
 * @example const doc = openApiDocument([catalogRoutes, servingRoutes], { title: 'Affinity API' })
 */
export function openApiDocument(groups: readonly ApiRoutes[], opts: OpenApiOptions = {}): OpenApiDocument {
  const routes = groups.flatMap((g) => g.definitions);
  check(routes);
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(opts.securitySchemes ?? {})) registry.registerComponent('securitySchemes', name, scheme);
  for (const r of routes) {
    const access = opts.routeAccess?.(r);
    const codes = routeErrors(r, [...(opts.commonErrors ?? []), ...(access?.errors ?? [])]);
    const success: Record<number, ResponseConfig> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      if (codes.some((c) => ERROR_CODES[c].status === Number(status))) throw new Error(`OpenAPI: ${r.method.toUpperCase()} ${r.path} documents ${status} both as an answer and as an error`);
      success[Number(status)] = { description: res.description, ...(res.schema ? { content: { [res.contentType ?? 'application/json']: { schema: res.schema } } } : {}) };
    }
    registry.registerPath({
      method: r.method,
      path: openApiPath(r.path),
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(access ? { security: access.security } : {}),
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.body ? { body: { required: r.bodyRequired ?? true, content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: { ...success, ...errorResponses(codes) },
    });
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: opts.title ?? 'Affinity API', version: opts.version ?? packageVersion(), description: opts.description ?? DESCRIPTION },
    tags,
    ...(opts.security ? { security: opts.security } : {}),
  });
  // what is served but deliberately not described, and why (the OpenAPI test reads it too)
  const undocumented = groups.flatMap((g) => g.undocumentedRoutes).map((u) => ({ method: u.method, path: openApiPath(u.path), reason: u.reason }));
  return { ...document, paths: document.paths ?? {}, 'x-undocumented': undocumented };
}
