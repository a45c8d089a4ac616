import type { Config } from '../config/index.ts';
import { createLogger } from '../logging/logger.ts';
import { ModelSignals, type ModelSignal } from '../queues/index.ts';

/** How long a command waits for Redis to take its announcement. */
const ANNOUNCE_WAIT_MS = 3000;

/**
 * Tells running API processes about a change a command made (a promoted model, a new knowledge
 * base), as the workers do. False when Redis did not take it within 3 s: the processes then pick
 * the change up on their next start.
 * @example const announced = await announceToServers(config, { kind: 'recommend', version, action: 'promoted' });
 */
export async function announceToServers(config: Config, signal: ModelSignal): Promise<boolean> {
  const signals = new ModelSignals(config.REDIS_URL, config.REDIS_PREFIX, createLogger({ level: 'silent' }));
  try {
    await signals.publish(signal, { timeoutMs: ANNOUNCE_WAIT_MS });
    return true;
  } catch {
    return false;
  } finally {
    await signals.close();
  }
}
