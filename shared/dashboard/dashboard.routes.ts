import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiRoutes } from '../http/index.ts';

/** Where the dashboard is served. */
export const DASHBOARD_PATH = '/dashboard';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
/** chart.js's UMD build, served from node_modules: the page works with no internet. */
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** Every file the page is made of, listed once at start: no request can name another file. */
const FILES: Record<string, string> = {
  ...Object.fromEntries(readdirSync(PUBLIC_DIR).map((f) => [f, path.join(PUBLIC_DIR, f)])),
  'chart.umd.min.js': CHART_JS,
};

/**
 * The operations dashboard at `/dashboard`: static HTML, CSS and JS (no inline script, so
 * helmet's default CSP stands) that read the JSON APIs from the browser with the API key the
 * user pastes in. The page itself is open; the data behind it is as protected as the APIs are.
 */
export function dashboardRouter(): ApiRoutes {
  const routes = new ApiRoutes('dashboard');
  const index = (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(path.join(PUBLIC_DIR, 'index.html'));
  };
  routes.get(
    DASHBOARD_PATH,
    {
      operationId: 'getDashboard',
      scope: 'public',
      summary: 'The operations dashboard (HTML)',
      responses: { 200: { description: 'The page; it calls the JSON APIs with the key pasted into it', schema: z.string(), contentType: 'text/html' } },
    },
    index,
  );
  routes.undocumented('get', `${DASHBOARD_PATH}/`, { reason: 'the dashboard page again', scope: 'public' }, index);
  routes.undocumented('get', `${DASHBOARD_PATH}/:file`, { reason: 'the scripts and styles of the dashboard page', scope: 'public' }, (req, res, next) => {
    const file = Object.hasOwn(FILES, req.params.file) ? FILES[req.params.file] : undefined;
    if (!file) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(file);
  });
  return routes;
}
