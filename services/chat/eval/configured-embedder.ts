import { pino } from 'pino';
import type { Config } from '../../../shared/config/index.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { createEmbedding, type EncoderInfo } from '../../embed/index.ts';
import type { EmbedFn } from '../classify/classifier-options.ts';

/**
 * The project's configured encoder (EMBED_MODEL, else the generated offline one) as an
 * `EmbedFn`, for commands that run outside the API. Its log lines go to stderr, so a
 * command's stdout stays clean for `--json`.
 * @example const e = await openConfiguredEmbedder(loadConfig()); const vs = await e.embed(['hi']); await e.close()
 */
export async function openConfiguredEmbedder(config: Config): Promise<{ embed: EmbedFn; info: EncoderInfo; close(): Promise<void> }> {
  const log = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2));
  const module = createEmbedding(config, { log, metrics: new MetricsRegistry({ defaultMetrics: false }) });
  const encoder = await module.load();
  return {
    embed: async (texts) => (await module.service.embedAll(texts)).vectors,
    info: encoder.info,
    close: () => module.service.close(),
  };
}
