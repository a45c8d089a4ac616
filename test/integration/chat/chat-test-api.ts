// Builds the API in process for the chat tests: tiny encoder, a real Redis under a prefix of
// the test's own, start-up training off unless asked, and a clean-up that checks no key is left.
import { rmSync } from 'node:fs';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { trainChatModel, type ChatModelKind } from '../../../services/chat/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, keysUnder, testRedis, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';
import { intentExamples, sentimentExamples } from './chat-fixtures.ts';

export interface ChatTestApi {
  api: Api;
  config: Config;
  redis: TestRedis;
  /** Every key this API wrote starts with it. */
  keyPrefix: string;
  close(): Promise<void>;
}

export async function startChatApi(overrides: Partial<Record<keyof Config, string>> = {}, redis?: TestRedis): Promise<ChatTestApi> {
  const server = redis ?? (await testRedis());
  const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: server.url, CHAT_STARTUP_TRAINING: 'off', ...overrides });
  const api = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
  await api.start();
  const keyPrefix = `${config.REDIS_PREFIX}:`;
  return {
    api,
    config,
    redis: server,
    keyPrefix,
    async close() {
      await api.close();
      await deleteKeysUnder(server.url, keyPrefix);
      const left = await keysUnder(server.url, keyPrefix);
      if (!redis) await server.stop();
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
      if (left.length > 0) throw new Error(`keys left under ${keyPrefix}: ${left.join(', ')}`);
    },
  };
}

/** Trains a classifier on the fixtures with the API's own encoder (sentiment: calibrated on `reference` when given), promotes it and puts it in service. */
export async function trainFixtureModel(api: Api, kind: ChatModelKind, reference?: { texts: string[]; rate: number; floor: number }): Promise<string> {
  const embed = api.embedding.service;
  const r = await trainChatModel(api.chat.models.registry, {
    kind,
    reference,
    examples: kind === 'intents' ? intentExamples() : sentimentExamples(),
    embed: async (texts) => (await embed.embed(texts)).vectors,
    encoderId: embed.info!.id,
    tolerance: 0,
    data: { source: 'chat-fixtures.ts' },
  });
  if (!r.promoted) throw new Error(`the fixture ${kind} model was not promoted: ${r.note}`);
  if ((await api.chat.reloadModel(kind)) !== 'loaded') throw new Error(`the fixture ${kind} model did not load`);
  return r.version;
}
