// What an express 5 app actually serves, read from its router stack: every route with its
// methods, and every prefix something is mounted under (a sub-app, static files). Used to
// check the OpenAPI document against the app, so that an undocumented route cannot hide.
import type { Express } from 'express';

export interface ServedRoute {
  /** A lower-case HTTP method, or `use` for everything under a mounted prefix. */
  method: string;
  /** The express path (`/v1/items/:id`) or the mount prefix. */
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route and mounted prefix of `app`; routers mounted at `/` are walked into. */
export function servedRoutes(app: Express): ServedRoute[] {
  const out = new Map<string, ServedRoute>();
  const walk = (stack: readonly Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.set(`${method} ${String(layer.route.path)}`, { method, path: String(layer.route.path) });
        }
      } else if (layer.rawPath === undefined || layer.rawPath === '/') {
        // middleware, or a router mounted at the root
        if (layer.handle?.stack) walk(layer.handle.stack);
      } else {
        out.set(`use ${String(layer.rawPath)}`, { method: 'use', path: String(layer.rawPath) });
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...out.values()];
}
