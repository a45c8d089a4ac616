// The only module that imports ioredis: connections, error mapping, scripts, readiness.
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { appError, isAppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';

/** A raw connection, for code that must hand one to a library (BullMQ). */
export type RedisConnection = Redis;

export interface RedisClientOptions {
  /** Prepended to every key this client touches (scripts included), e.g. `affinity:`. @defaultValue '' */
  keyPrefix?: string;
  /**
   * `request`: for request paths. Commands fail at once while disconnected (no offline queue)
   * and after `commandTimeoutMs`, so a request never hangs on a down Redis.
   * `worker`: for background work (queues). Commands wait for the connection to come back.
   * @defaultValue 'request'
   */
  role?: 'request' | 'worker';
  /** Longest a request-path command may take before it fails. @defaultValue 2000 */
  commandTimeoutMs?: number;
  /** Receives connection state changes (once per change, not once per retry). */
  log?: Logger;
}

/** A Lua script bound to a client: `keys` are prefixed like any other key. */
export type RedisScript = (keys: readonly string[], args: ReadonlyArray<string | number>) => Promise<unknown>;

export interface RedisClient {
  readonly connection: RedisConnection;
  /** Opens the connection; resolves false (and keeps retrying in the background) when Redis does not answer. */
  connect(): Promise<boolean>;
  /** Readiness: true when Redis answers PING now. Never throws. */
  ping(): Promise<boolean>;
  /**
   * Runs commands, turning a down, unreachable or busy Redis into `REDIS_UNAVAILABLE` (503).
   * @example const n = await redis.run((c) => c.incr('visits'))
   */
  run<T>(op: (c: RedisConnection) => Promise<T>): Promise<T>;
  /** A Lua script run with EVALSHA (loaded on first use); call it inside or outside `run`. */
  script(name: string, lua: string, numberOfKeys: number): RedisScript;
  /**
   * Closes the connection (QUIT when connected, else drops it) and resolves once it has ended:
   * `ended`. A client between reconnect attempts has no socket to close; its retry is cancelled
   * and ioredis announces no end: `dropped`.
   */
  close(): Promise<'ended' | 'dropped'>;
}

/** Longest close() waits for the connection to end. */
const CLOSE_WAIT_MS = 3000;

/** Server replies that mean "not now" rather than "your command is wrong". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

function unavailable(err: unknown): unknown {
  if (isAppError(err)) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof ReplyError && !TRANSIENT_REPLY.test(msg)) return err;
  return appError('REDIS_UNAVAILABLE', `Redis is unavailable: ${msg}`, undefined, err);
}

/** host:port of a URL, without credentials, for logs. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'redis';
  }
}

/**
 * A Redis client that survives Redis restarts: it reconnects forever with a capped backoff,
 * while request-path commands fail fast with `REDIS_UNAVAILABLE` instead of queueing.
 * Nothing connects until `connect()`.
 * @example
 * const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, log });
 * await redis.connect();
 * await redis.run((c) => c.set('k', 'v', 'EX', 60));
 */
export function createRedis(url: string, options: RedisClientOptions = {}): RedisClient {
  const role = options.role ?? 'request';
  const log = options.log;
  const opts: RedisOptions = {
    keyPrefix: options.keyPrefix ?? '',
    lazyConnect: true,
    connectTimeout: 2000,
    // reconnect forever: 100 ms, 200 ms, … capped at 2 s
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(role === 'request'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 2000 }
      : // BullMQ's requirement for blocking workers
        { enableOfflineQueue: true, maxRetriesPerRequest: null }),
  };
  const connection = new Redis(url, opts);
  const target = where(url);
  // ioredis emits 'error' for every failed reconnect: log once per outage, not per retry
  let state: 'new' | 'up' | 'down' = 'new';
  let closing = false;
  connection.on('ready', () => {
    if (state !== 'up') log?.info({ redis: target }, 'Redis connected');
    state = 'up';
  });
  connection.on('error', (err: Error) => {
    if (closing || state === 'down') return;
    log?.warn({ redis: target, err: err.message }, 'Redis unavailable; reconnecting in the background');
    state = 'down';
  });
  const scripts = new Map<string, string>();

  const client: RedisClient = {
    connection,
    async connect() {
      if (connection.status === 'ready') return true;
      if (connection.status === 'wait') {
        try {
          await connection.connect();
          return true;
        } catch {
          return false;
        }
      }
      return false;
    },
    async ping() {
      if (connection.status !== 'ready') return false;
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async run<T>(op: (c: RedisConnection) => Promise<T>): Promise<T> {
      if (role === 'request' && connection.status !== 'ready') {
        throw appError('REDIS_UNAVAILABLE', `Redis is unavailable (connection ${connection.status})`);
      }
      try {
        return await op(connection);
      } catch (err) {
        throw unavailable(err);
      }
    },
    script(name, lua, numberOfKeys) {
      const command = `affinity_${name.replace(/\W/g, '_')}`;
      if (scripts.get(command) !== lua) {
        connection.defineCommand(command, { lua, numberOfKeys });
        scripts.set(command, lua);
      }
      const fn = (connection as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[command]!.bind(connection);
      return async (keys, args) => {
        try {
          return await fn(...keys, ...args);
        } catch (err) {
          throw unavailable(err);
        }
      };
    },
    async close() {
      closing = true;
      if (connection.status === 'end') return 'ended';
      if (connection.status === 'reconnecting') {
        connection.disconnect();
        return 'dropped';
      }
      let timer: NodeJS.Timeout | undefined;
      const ended = new Promise<void>((resolve) => {
        connection.once('end', () => resolve());
        // a socket that neither connects nor fails is destroyed by ioredis after its disconnect timeout
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      });
      if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
      await ended;
      clearTimeout(timer);
      return (connection.status as string) === 'end' ? 'ended' : 'dropped'; // changed while awaited
    },
  };
  return client;
}
