import { Queue } from 'bullmq';
import type { Logger } from '../logging/logger.ts';
import { bullConnection } from './redis-connection.ts';

/** What is announced when a model version goes into (or out of) service. */
export interface ModelSignal {
  kind: string;
  version: string;
  action: 'promoted' | 'rolled-back';
}

const channel = (prefix: string) => `${prefix}:signals:models`;

/** The part of BullMQ's Redis client (ioredis) that pub/sub needs. */
interface PubSubClient {
  publish(channel: string, message: string): Promise<number>;
  duplicate(): PubSubClient;
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', fn: (channel: string, message: string) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Announces model changes on Redis pub/sub, over the connection of a BullMQ queue (so that
 * the only code that imports the Redis client is the Redis module and BullMQ itself). Every
 * serving process subscribes and reloads the model in the background, then swaps it in.
 */
export class ModelSignals {
  private subscriber: PubSubClient | undefined;
  /** A connection that waits for Redis (offline queue on), used for pub/sub only. */
  private readonly queue: Queue;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.queue = new Queue('affinity-signals', { connection: bullConnection(redisUrl, 'worker'), prefix });
    this.queue.on('error', () => undefined);
  }

  async publish(signal: ModelSignal): Promise<void> {
    const client = (await this.queue.client) as unknown as PubSubClient;
    await client.publish(channel(this.prefix), JSON.stringify(signal));
  }

  /** Calls `onSignal` for every announcement until `close()`; reconnects by itself. */
  async subscribe(onSignal: (s: ModelSignal) => void | Promise<void>): Promise<void> {
    const client = (await this.queue.client) as unknown as PubSubClient;
    const sub = client.duplicate();
    // kept at once, so that close() ends it even while it still waits for Redis
    this.subscriber = sub;
    sub.on('error', (err: Error) => this.log.warn({ err: err.message }, 'model signal subscriber: connection error'));
    sub.on('message', (_channel: string, message: string) => {
      let signal: ModelSignal;
      try {
        signal = JSON.parse(message) as ModelSignal;
      } catch {
        this.log.warn({ message }, 'ignoring a malformed model signal');
        return;
      }
      Promise.resolve(onSignal(signal)).catch((err: unknown) => this.log.error({ err, signal }, 'model reload failed; the previous model stays'));
    });
    await sub.subscribe(channel(this.prefix));
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await this.queue.close().catch(() => undefined);
  }
}
