import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, defaultScope, generateApiKey, grants, hashSecret, parseApiKey, parseScopes, strictest } from '../../../shared/auth/index.ts';
import { loadConfig } from '../../../shared/config/index.ts';

describe('API keys', () => {
  it('are aff_<id>_<secret> with a 12-hex id and a 256-bit base64url secret, different every time', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^aff_[0-9a-f]{12}_[\w-]{43}$/);
    expect(a.key).toMatch(API_KEY_PATTERN);
    expect(Buffer.from(a.secret, 'base64url')).toHaveLength(32);
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
  });

  it('parse back into id and secret, an underscore in the secret included; anything else is no key', () => {
    expect(parseApiKey('aff_soak_ab_cd-efghijklmnopqrstuvwxyz0123456789')).toEqual({ id: 'soak', secret: 'ab_cd-efghijklmnopqrstuvwxyz0123456789' });
    for (const bad of ['', 'aff_', 'aff_id_short', 'Bearer aff_x_' + 'a'.repeat(40), 'aff_i-d_' + 'a'.repeat(40), 'xyz_id_' + 'a'.repeat(40), `aff_id_${'a'.repeat(129)}`]) {
      expect(parseApiKey(bad), bad).toBeUndefined();
    }
  });

  it('are stored as the SHA-256 of the secret', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('AFFINITY_ADMIN_KEY must be such a key (a secret of 32 characters at least)', () => {
    expect(loadConfig({ AFFINITY_ADMIN_KEY: `aff_ops_${'x'.repeat(32)}` }).AFFINITY_ADMIN_KEY).toMatch(/^aff_ops_/);
    expect(() => loadConfig({ AFFINITY_ADMIN_KEY: 'aff_ops_password1' })).toThrow(/AFFINITY_ADMIN_KEY/);
  });
});

describe('scopes', () => {
  it('admin implies write implies read; public needs nothing', () => {
    expect(grants(['admin'], 'write')).toBe(true);
    expect(grants(['write'], 'read')).toBe(true);
    expect(grants(['write'], 'admin')).toBe(false);
    expect(grants(['read'], 'write')).toBe(false);
    expect(grants([], 'public')).toBe(true);
    expect(strictest('read', 'admin')).toBe('admin');
    expect(strictest('public', 'read')).toBe('read');
  });

  it('parse from a comma-separated list, sorted, or refuse with VALIDATION_FAILED', () => {
    expect(parseScopes(' write, read,write')).toEqual(['read', 'write']);
    expect(() => parseScopes('read,root')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => parseScopes('')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('a route that says nothing needs admin under /v1/admin and /admin, read for GET, write otherwise', () => {
    expect(defaultScope('GET', '/v1/items/:id')).toBe('read');
    expect(defaultScope('head', '/v1/search')).toBe('read');
    expect(defaultScope('put', '/v1/items')).toBe('write');
    expect(defaultScope('DELETE', '/v1/kb/entries/:id')).toBe('write');
    expect(defaultScope('get', '/v1/admin/models')).toBe('admin');
    expect(defaultScope('post', '/admin/queues/api/queues/retry')).toBe('admin');
    expect(defaultScope('get', '/v1/administrators')).toBe('read');
  });
});

describe('auth configuration', () => {
  it('defaults: keys on, health and docs open, 600 requests a minute, no CORS', () => {
    const c = loadConfig({});
    expect([c.AUTH_ENABLED, c.AUTH_OPEN_ROUTES, c.RATE_LIMIT_PER_MINUTE, c.CORS_ORIGINS]).toEqual([true, ['health', 'docs'], 600, []]);
  });

  it('reads lists, `none`, and refuses what is not a route group or an origin', () => {
    expect(loadConfig({ AUTH_OPEN_ROUTES: 'none' }).AUTH_OPEN_ROUTES).toEqual([]);
    expect(loadConfig({ AUTH_OPEN_ROUTES: 'metrics, health' }).AUTH_OPEN_ROUTES).toEqual(['metrics', 'health']);
    expect(loadConfig({ CORS_ORIGINS: 'https://shop.example, http://localhost:3000' }).CORS_ORIGINS).toEqual(['https://shop.example', 'http://localhost:3000']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
    expect(() => loadConfig({ AUTH_OPEN_ROUTES: 'health,admin' })).toThrow(/AUTH_OPEN_ROUTES/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://shop.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});
