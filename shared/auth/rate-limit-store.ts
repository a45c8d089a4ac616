import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from '../logging/logger.ts';
import type { RedisClient } from '../redis/index.ts';

export interface SharedRateLimitStoreOptions {
  /** Longest a request waits for Redis to count it before it is counted in this process instead. @defaultValue 500 */
  waitMs?: number;
  /** After Redis failed, how long requests are counted in this process before Redis is tried again. @defaultValue 5000 */
  retryAfterMs?: number;
  log?: Logger;
}

/**
 * Request counts shared by every API process through Redis (rate-limit-redis's script, keys
 * under `<REDIS_PREFIX>:ratelimit:`), counted in this process while Redis is down, slow or not
 * connected yet, so that a Redis outage neither fails requests nor lifts the limits: during an
 * outage each process enforces the limit on what it sees.
 */
export class SharedRateLimitStore implements Store {
  readonly prefix = 'ratelimit:';
  private readonly memory = new MemoryStore();
  private readonly redisStore: RedisStore;
  private options: Options | undefined;
  private scriptsLoaded: Promise<void> | undefined;
  private redisDownUntil = 0;
  /** Whether the last count fell back to this process (logged once per outage, not per request). */
  private local = false;
  private readonly waitMs: number;
  private readonly retryAfterMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: SharedRateLimitStoreOptions = {},
  ) {
    this.waitMs = opts.waitMs ?? 500;
    this.retryAfterMs = opts.retryAfterMs ?? 5000;
    // the client's key prefix (REDIS_PREFIX) applies to the script's key too
    this.redisStore = new RedisStore({
      prefix: this.prefix,
      sendCommand: (command: string, ...args: string[]) => redis.run((c) => c.call(command, ...args) as Promise<RedisReply>),
    });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (Date.now() >= this.redisDownUntil && this.redis.connection.status === 'ready') {
      try {
        const counted = await this.inTime(this.incrementInRedis(key));
        if (this.local) this.opts.log?.info('rate limits counted in Redis again');
        this.local = false;
        return counted;
      } catch (err) {
        if (!this.local) this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'rate limits counted in this process while Redis does not answer');
        this.local = true;
        this.redisDownUntil = Date.now() + this.retryAfterMs;
        // Redis may have restarted without the scripts: load them again next time
        this.scriptsLoaded = undefined;
      }
    }
    return this.memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await this.memory.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    await this.memory.resetKey(key);
    await this.redisStore.resetKey(key).catch(() => undefined);
  }

  shutdown(): void {
    this.memory.shutdown();
  }

  private async incrementInRedis(key: string): Promise<IncrementResponse> {
    // rate-limit-redis loads its scripts in init and never again: a Redis that was down then
    // would fail every later call, so loading is retried here until it succeeds
    this.scriptsLoaded ??= this.redisStore.init(this.options!);
    await this.scriptsLoaded;
    return this.redisStore.increment(key);
  }

  private inTime<T>(p: Promise<T>): Promise<T> {
    p.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis took more than ${this.waitMs} ms`)), this.waitMs);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}
