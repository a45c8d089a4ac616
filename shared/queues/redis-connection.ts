import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ worker connection options from a `redis://[user:password@]host:port[/db]` URL.
 * Workers block on Redis, so their requests never time out (`maxRetriesPerRequest: null`, as
 * BullMQ asks) and wait through an outage. (Producers share a request-path client of
 * shared/redis instead, which fails fast: see JobQueue.)
 */
export function bullConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    // a Redis that restarts is waited for, with a capped backoff
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
}
