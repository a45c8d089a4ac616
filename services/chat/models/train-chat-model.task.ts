// Runs in a child process (training-process.ts): training is synchronous number crunching
// that would otherwise stall every request of the process. Arguments and result are plain data.
import path from 'node:path';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { createRedactor } from '../../../shared/privacy/index.ts';
import { MetricsRegistry } from '../../../shared/metrics/index.ts';
import { ModelRegistry } from '../../../shared/registry/index.ts';
import { openDatabase } from '../../../shared/storage/index.ts';
import { createEmbedding } from '../../embed/index.ts';
import { chatMigrations } from '../chat.migrations.ts';
import { FeedbackRepository } from '../feedback/feedback.repository.ts';
import type { ChatModelKind } from './chat-model-kinds.ts';
import { trainChatModel, type TrainChatModelResult } from './train-chat-model.ts';
import { chatRegistryRoot } from './chat-model-kinds.ts';
import { evenSample, REFERENCE_SAMPLE } from './negative-threshold.ts';
import { chatTrainingSource, intentTrainingExamples, readTrainingExamples } from './training-data.ts';

export interface TrainChatModelArgs {
  config: Config;
  kind: ChatModelKind;
  /** `full`: word/char n-grams and the configured encoder's embeddings; `lexical`: n-grams only. */
  features: 'full' | 'lexical';
  seed?: number;
  /** See trainChatModel's option of that name. */
  onlyIfCurrentIs?: string | null;
}

/**
 * Trains one chat classifier from the configured data (plus, for intents, every corrected
 * intent recorded through `POST /v1/chat/feedback`) into the registry.
 */
export async function trainChatModelTask(args: TrainChatModelArgs, progress: (message: string) => void): Promise<TrainChatModelResult> {
  const { config, kind } = args;
  const source = chatTrainingSource(config, kind);
  const readAt = Date.now();
  let examples = readTrainingExamples(source, kind);
  let feedback = 0;
  if (kind === 'intents') {
    const db = openDatabase(config);
    try {
      await db.migrate(chatMigrations);
      // stored masked; masked again for rows stored before masking was configured
      const redact = createRedactor(config.PII_REDACT);
      const corrections = (await new FeedbackRepository(db).all()).map((c) => ({ ...c, text: redact(c.text) }));
      feedback = corrections.length;
      examples = intentTrainingExamples(examples, corrections, config.CHAT_FEEDBACK_REPEAT);
    } finally {
      await db.close();
    }
  }
  progress(`${kind}: ${examples.length} examples from ${source}${feedback ? ` and ${feedback} corrections` : ''}`);
  const reference = kind === 'sentiment' ? supportMessages(config, progress) : undefined;
  // the serving process already said what the encoder is; the thread speaks up only for errors
  const log = createLogger({ level: config.LOG_LEVEL === 'silent' ? 'silent' : 'error', name: 'affinity-train', pii: config.PII_REDACT });
  const embedding = args.features === 'full' ? createEmbedding(config, { log, metrics: new MetricsRegistry({ defaultMetrics: false }) }) : undefined;
  const encoder = await embedding?.load();
  try {
    return await trainChatModel(new ModelRegistry(chatRegistryRoot(config)), {
      kind,
      examples,
      embed: embedding ? async (texts) => (await embedding.service.embedAll(texts)).vectors : undefined,
      encoderId: encoder?.info.id,
      seed: args.seed,
      tolerance: config.PROMOTE_TOLERANCE,
      keepVersions: config.REGISTRY_KEEP_VERSIONS,
      ...(args.onlyIfCurrentIs !== undefined ? { onlyIfCurrentIs: args.onlyIfCurrentIs } : {}),
      reference,
      data: { source: path.resolve(source), feedback, read_at: readAt, ...(reference ? { reference: path.resolve(chatTrainingSource(config, 'intents')) } : {}) },
      onProgress: progress,
    });
  } finally {
    await embedding?.service.close();
  }
}

/**
 * Ordinary support messages to calibrate the sentiment model's negative threshold on: a sample
 * of the intent training texts. None when CHAT_NEGATIVE_NEUTRAL_RATE is 1, or without intent
 * data (then CHAT_NEGATIVE_MIN_CONFIDENCE alone decides, as it says).
 */
function supportMessages(config: Config, progress: (message: string) => void): { texts: string[]; rate: number; floor: number } | undefined {
  if (config.CHAT_NEGATIVE_NEUTRAL_RATE >= 1) return undefined;
  const source = chatTrainingSource(config, 'intents');
  let texts: string[];
  try {
    texts = readTrainingExamples(source, 'intents').map((e) => e.text);
  } catch (err) {
    progress(`sentiment: no support messages to calibrate the negative threshold on (${err instanceof Error ? err.message : String(err)}); CHAT_NEGATIVE_MIN_CONFIDENCE alone decides`);
    return undefined;
  }
  return { texts: evenSample(texts, REFERENCE_SAMPLE), rate: config.CHAT_NEGATIVE_NEUTRAL_RATE, floor: config.CHAT_NEGATIVE_MIN_CONFIDENCE };
}
