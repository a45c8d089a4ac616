import type { RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { z } from 'zod';
import { appError } from '../errors/index.ts';
import { ApiRoutes } from './api-routes.ts';
import type { OpenApiDocument } from './openapi-document.ts';

/** Where the document and its Swagger UI are served. */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** What the Swagger UI page loads from `/docs/`: its HTML, scripts, styles and icons. */
const PAGE_ASSET = /^\/[\w.-]+\.(html|js|css|png|map)$/;

// described loosely: the document describes itself
const documentSchema = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/**
 * `GET /openapi.json` (the document) and `GET /docs` (Swagger UI over it). Swagger UI is served
 * from the local swagger-ui-dist package, never a CDN, and reads the document by a relative
 * URL, so it works behind a path prefix too.
 */
export function openApiRoutes(document: () => OpenApiDocument): ApiRoutes {
  const routes = new ApiRoutes('meta');
  const uiOptions = {
    customSiteTitle: 'Affinity API',
    swaggerUrl: `..${OPENAPI_PATH}`,
    // the online validator badge would call validator.swagger.io
    swaggerOptions: { validatorUrl: null },
  };
  const html = swaggerUi.setup(undefined, uiOptions);

  routes.get(
    OPENAPI_PATH,
    {
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', schema: documentSchema } },
    },
    (_req, res) => {
      res.json(document());
    },
  );
  routes.get(
    DOCS_PATH,
    {
      operationId: 'getApiDocsPage',
      summary: 'Swagger UI over this document (HTML)',
      description: '`/docs` redirects to `/docs/`, which serves the page; its scripts and styles are served under `/docs/`.',
      responses: {
        200: { description: 'The Swagger UI page', schema: z.string(), contentType: 'text/html' },
        301: { description: 'To `/docs/` (the page loads its assets relative to it)' },
      },
    },
    (req, res, next) => {
      // relative asset URLs (./swagger-ui.css) need the trailing slash
      if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.status(301).location(`.${DOCS_PATH}/`).end();
      return html(req, res, next);
    },
  );
  // the page's own files only: the package folder it is served from also holds package.json, a README …
  const assetsOnly: RequestHandler = (req, _res, next) => {
    if (req.path === '/' || PAGE_ASSET.test(req.path)) next();
    else next(appError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  };
  routes.mount(DOCS_PATH, 'the scripts and styles of the Swagger UI page', assetsOnly, ...swaggerUi.serveFiles(undefined, uiOptions));
  return routes;
}
