import { appError, isAppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import { createRedis, type RedisClient } from '../redis/index.ts';

/** What is announced when a model version goes into (or out of) service, catalog items or knowledge base entries change, or a user is erased. */
export type ModelSignal = VersionSignal | CatalogItemsSignal | KbEntriesSignal | UserErasedSignal;

export interface VersionSignal {
  kind: string;
  version: string;
  action: 'promoted' | 'rolled-back';
  /**
   * Set when the announcer waits to hear back: each serving process reports here once it has
   * acted on the signal (or failed to), see {@link ModelSignals.acknowledgements}.
   */
  ackId?: string;
}

/** What a serving process reports once it has acted on a signal that asked for it. */
export interface SignalAck {
  pid: number;
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
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
const ackKey = (prefix: string, ackId: string) => `${prefix}:signals:acks:${ackId}`;
/** Acknowledgements are kept this long: an announcer that waits longer has given up. */
const ACK_TTL_SECONDS = 24 * 3600;
/** How often an announcer looks for new acknowledgements. */
const ACK_POLL_MS = 200;

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
   * go out once Redis is back). Resolves with the number of processes subscribed that received it.
   */
  async publish(signal: ModelSignal, opts: { timeoutMs?: number } = {}): Promise<number> {
    const sent = this.pub.connection.publish(channel(this.prefix), JSON.stringify(signal));
    if (!opts.timeoutMs) return sent;
    sent.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(appError('REDIS_UNAVAILABLE', `could not announce ${signal.kind} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    });
    try {
      return await Promise.race([sent, late]);
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
      const ackId = 'ackId' in signal && typeof signal.ackId === 'string' ? signal.ackId : undefined;
      void Promise.resolve(onSignal(signal)).then(
        async () => {
          if (ackId) await this.acknowledge(ackId, { pid: process.pid, ok: true });
        },
        async (err: unknown) => {
          this.log.error({ err, signal }, 'model reload failed; the previous model stays');
          if (ackId) await this.acknowledge(ackId, { pid: process.pid, ok: false, error: err instanceof Error ? err.message : String(err) });
        },
      );
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

  private async acknowledge(ackId: string, ack: SignalAck): Promise<void> {
    const key = ackKey(this.prefix, ackId);
    try {
      await this.pub.connection.multi().rpush(key, JSON.stringify(ack)).expire(key, ACK_TTL_SECONDS).exec();
    } catch (err) {
      this.log.warn({ err, ackId }, 'could not acknowledge a model signal');
    }
  }

  /**
   * Waits until `expected` processes have acknowledged the signal published with `ackId` (or
   * `timeoutMs` has passed) and returns what they reported, calling `onAck` with each as it
   * arrives. Fewer than `expected` means some did not answer in time (stopped, or still busy).
   */
  async acknowledgements(ackId: string, expected: number, opts: { timeoutMs: number; onAck?: (ack: SignalAck, received: number) => Promise<void> | void }): Promise<SignalAck[]> {
    const key = ackKey(this.prefix, ackId);
    const acks: SignalAck[] = [];
    const deadline = Date.now() + opts.timeoutMs;
    while (acks.length < expected) {
      const fresh = await this.pub.connection.lrange(key, acks.length, -1);
      for (const raw of fresh) {
        const ack = JSON.parse(raw) as SignalAck;
        acks.push(ack);
        await opts.onAck?.(ack, acks.length);
      }
      if (acks.length >= expected || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(ACK_POLL_MS, Math.max(deadline - Date.now(), 0))));
    }
    await this.pub.connection.del(key).catch(() => undefined);
    return acks;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.pub.close(), this.sub.close()]);
  }
}
