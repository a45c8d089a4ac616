import type { Logger } from '../logging/logger.ts';
import { createRedis, type RedisClient } from '../redis/index.ts';

/** What is announced when a model version goes into (or out of) service, or catalog items change. */
export type ModelSignal = VersionSignal | CatalogItemsSignal;

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

const channel = (prefix: string) => `${prefix}:signals:models`;

/**
 * Announces model changes on Redis pub/sub. Every serving process subscribes and reloads the
 * model in the background, then swaps it in. Both connections wait for Redis and come back by
 * themselves (the subscription is renewed on reconnect).
 */
export class ModelSignals {
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.pub = createRedis(redisUrl, { role: 'worker', log });
    this.sub = createRedis(redisUrl, { role: 'worker' });
  }

  async publish(signal: ModelSignal): Promise<void> {
    await this.pub.connection.publish(channel(this.prefix), JSON.stringify(signal));
  }

  /** Calls `onSignal` for every announcement until `close()`. */
  async subscribe(onSignal: (s: ModelSignal) => void | Promise<void>): Promise<void> {
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
    await this.sub.connection.subscribe(channel(this.prefix));
  }

  async close(): Promise<void> {
    await Promise.all([this.pub.close(), this.sub.close()]);
  }
}
