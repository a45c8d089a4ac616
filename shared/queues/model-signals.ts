import { appError, isAppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import { createRedis, type RedisClient } from '../redis/index.ts';

/** What is announced when a model version goes into (or out of) service, catalog items or knowledge base entries change, or a user is erased. */
export type ModelSignal = VersionSignal | CatalogItemsSignal | KbEntriesSignal | UserErasedSignal;

export interface VersionSignal {
  kind: string;
  version: string;
  action: 'promoted' | 'rolled-back';
}

/** Items every serving process should (re)load from the database, or drop. */
export interface CatalogItemsSignal {
  kind: 'catalog-items';
  action: 'changed';
  upserted: string[];
  removed: string[];
}

/** Knowledge base entries every serving process should read again from the database, or drop. */
export interface KbEntriesSignal {
  kind: 'kb-entries';
  action: 'changed';
  upserted: string[];
  removed: string[];
}

/** A user's data was erased: every serving process drops what it caches about them. */
export interface UserErasedSignal {
  kind: 'user-erased';
  userId: string;
}

const channel = (prefix: string) => `${prefix}:signals:models`;

/**
 * Announces model changes on Redis pub/sub. Every serving process subscribes and reloads the
 * model in the background, then swaps it in. Both connections wait for Redis and come back by
 * themselves (the subscription is renewed on reconnect).
 */
export class ModelSignals {
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private closed = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.pub = createRedis(redisUrl, { role: 'worker', log });
    this.sub = createRedis(redisUrl, { role: 'worker' });
  }

  /**
   * Announces a signal. It waits for Redis to come back, unless `timeoutMs` is given: then a
   * Redis that does not take it in time fails it with REDIS_UNAVAILABLE (the signal may still
   * go out once Redis is back).
   */
  async publish(signal: ModelSignal, opts: { timeoutMs?: number } = {}): Promise<void> {
    const sent = this.pub.connection.publish(channel(this.prefix), JSON.stringify(signal));
    if (!opts.timeoutMs) {
      await sent;
      return;
    }
    sent.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(appError('REDIS_UNAVAILABLE', `could not announce ${signal.kind} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    });
    try {
      await Promise.race([sent, late]);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw appError('REDIS_UNAVAILABLE', `could not announce ${signal.kind}: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Calls `onSignal` for every announcement until `close()`. Announcements made while the
   * subscription was down (Redis away, or reconnecting) are lost: `onResubscribed` is called
   * each time it is back, for the caller to read again what may have changed meanwhile.
   */
  async subscribe(onSignal: (s: ModelSignal) => void | Promise<void>, onResubscribed?: () => Promise<void>): Promise<void> {
    this.sub.connection.on('message', (_channel: string, message: string) => {
      let signal: ModelSignal;
      try {
        signal = JSON.parse(message) as ModelSignal;
      } catch {
        this.log.warn({ message }, 'ignoring a malformed model signal');
        return;
      }
      Promise.resolve(onSignal(signal)).catch((err: unknown) => this.log.error({ err, signal }, 'model reload failed; the previous model stays'));
    });
    try {
      await this.sub.connection.subscribe(channel(this.prefix));
    } catch (err) {
      // closed before the subscription was made (a process stopping during its start): not a failure
      if (this.closed) return;
      throw err;
    }
    // ioredis subscribes again by itself on every reconnect ('ready'); what was announced in between is caught up on here
    if (onResubscribed) {
      this.sub.connection.on('ready', () => {
        if (this.closed) return;
        onResubscribed().catch((err: unknown) => this.log.error({ err }, 'could not reload after the model signals reconnected'));
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.pub.close(), this.sub.close()]);
  }
}
