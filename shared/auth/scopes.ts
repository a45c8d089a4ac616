import { appError } from '../errors/index.ts';

/** What an API key may do; each scope implies the ones before it (admin ⊃ write ⊃ read). */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a route needs: a scope, or nothing at all (`public`). */
export type RouteScope = Scope | 'public';

const RANK: Readonly<Record<RouteScope, number>> = { public: 0, read: 1, write: 2, admin: 3 };

/** Whether a key holding `held` may call a route needing `needed` (the hierarchy applies). */
export function grants(held: readonly Scope[], needed: RouteScope): boolean {
  return needed === 'public' || held.some((s) => RANK[s] >= RANK[needed]);
}

/** The stricter of two requirements. */
export function strictest(a: RouteScope, b: RouteScope): RouteScope {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * `read,write` (or a list) → `['read', 'write']`, sorted and without repeats; an unknown or
 * empty list is a 400 VALIDATION_FAILED.
 * @example parseScopes('write, read') // ['read', 'write']
 */
export function parseScopes(text: string | readonly string[]): Scope[] {
  const parts = (typeof text === 'string' ? text.split(',') : [...text]).map((s) => s.trim()).filter(Boolean);
  const unknown = parts.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || parts.length === 0) {
    throw appError('VALIDATION_FAILED', `scopes must be a non-empty list of ${SCOPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, { scopes: parts });
  }
  return SCOPES.filter((s) => parts.includes(s));
}

const ADMIN_PREFIXES = ['/v1/admin', '/admin'];

/**
 * What a route needs when it does not say: `admin` under /v1/admin and /admin, `read` for
 * GET, HEAD and OPTIONS, `write` for everything else. A route that reads with a POST (embeddings,
 * classification, chat) declares `scope: 'read'` next to its definition.
 */
export function defaultScope(method: string, path: string): Scope {
  if (ADMIN_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return 'admin';
  return ['get', 'head', 'options'].includes(method.toLowerCase()) ? 'read' : 'write';
}
