import type { Config } from '../../shared/config/index.ts';
import type { ApiRoutes } from '../../shared/http/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { createRedactor, type PersonalDataSource } from '../../shared/privacy/index.ts';
import type { RedisClient } from '../../shared/redis/index.ts';
import { ModelRegistry } from '../../shared/registry/index.ts';
import type { SqlDatabase } from '../../shared/storage/index.ts';
import type { EmbedService } from '../embed/index.ts';
import { chatMigrations } from './chat.migrations.ts';
import { chatPersonalData } from './chat-personal-data.ts';
import { dialogRouter } from './dialog/dialog.routes.ts';
import { DialogService, type ProductPort } from './dialog/dialog.service.ts';
import { listOf, phraseMatcher, withoutPhrases } from './dialog/normalize.ts';
import { smallTalkMatcher } from './dialog/small-talk.ts';
import { FeedbackRepository } from './feedback/feedback.repository.ts';
import { KbVectorRepository } from './kb/kb-vector.repository.ts';
import { KbRepository } from './kb/kb.repository.ts';
import { kbRouter } from './kb/kb.routes.ts';
import { KbService, type KbChange } from './kb/kb.service.ts';
import { CHAT_MODEL_KINDS, chatRegistryRoot, type ChatModelKind } from './models/chat-model-kinds.ts';
import { ChatModels, type ReloadOutcome } from './models/chat-models.ts';
import { classifyRouter } from './models/classify.routes.ts';
import { ChatTrainer } from './models/startup-training.ts';
import type { TrainChatModelResult } from './models/train-chat-model.ts';
import { RedisSessionStore } from './sessions/redis-session-store.ts';

export interface ChatModule {
  kb: KbService;
  models: ChatModels;
  dialog: DialogService;
  feedback: FeedbackRepository;
  /** A user's sessions, transcripts and corrections, for export and erasure. */
  personalData: PersonalDataSource;
  /** Its routes, each with its OpenAPI operation. */
  routers: ApiRoutes[];
  /** True once the knowledge base is indexed (the models may still be training). */
  readonly ready: boolean;
  /** Settles when start-up training (if any was needed) is over. */
  readonly training: Promise<void>;
  /** Migrates, indexes the knowledge base, loads the models in service and trains missing ones in the background. */
  start(): Promise<void>;
  /** Puts the registry's current version of a kind in service (after a promotion elsewhere). */
  reloadModel(kind: ChatModelKind): Promise<ReloadOutcome>;
  /**
   * Trains a new version (intents: the data set plus every corrected intent), promotes it
   * unless worse, and puts it in service here.
   */
  retrain(kind: ChatModelKind, opts?: { seed?: number }): Promise<TrainChatModelResult>;
  close(): Promise<void>;
}

export interface ChatDeps {
  db: SqlDatabase;
  embed: EmbedService;
  /** Sessions live here (a request-path client: fails fast while Redis is down). */
  redis: RedisClient;
  log: Logger;
  /** The catalog, for product slots and suggestions; without it the bot suggests nothing. */
  products?: ProductPort;
  /** Tells the other serving processes that the knowledge base changed (they reload it). */
  announceKb?: (change: KbChange) => Promise<void>;
}

/**
 * Builds the chat service: knowledge base, intent and sentiment models, dialog with sessions
 * in Redis, and their routes.
 */
export function createChat(config: Config, deps: ChatDeps): ChatModule {
  const log = deps.log.child({ module: 'chat' });
  const denseWeight = () => (config.DENSE_WEIGHT === 'auto' ? (deps.embed.info?.randomWeights ? 0 : 1) : config.DENSE_WEIGHT);
  const kb = new KbService(new KbRepository(deps.db), deps.embed, { maxBatch: config.CHAT_KB_MAX_BATCH, denseWeight, log, vectors: new KbVectorRepository(deps.db), ...(deps.announceKb ? { onChange: deps.announceKb } : {}) });
  const models = new ChatModels(new ModelRegistry(chatRegistryRoot(config)), deps.embed, log);
  const feedback = new FeedbackRepository(deps.db);
  const sessions = new RedisSessionStore(deps.redis, config.CHAT_SESSION_TTL_SECONDS);
  const dialog = new DialogService(
    { sessions, models, kb, products: deps.products, feedback, log, redact: createRedactor(config.PII_REDACT) },
    {
      rules: {
        answerMinConfidence: config.CHAT_ANSWER_MIN_CONFIDENCE,
        lowConfidenceTurns: config.CHAT_HANDOFF_LOW_CONFIDENCE_TURNS,
        negativeTurns: config.CHAT_HANDOFF_NEGATIVE_TURNS,
        negativeWindow: config.CHAT_NEGATIVE_WINDOW_TURNS,
        handoffIntents: listOf(config.CHAT_HANDOFF_INTENTS),
        recommendIntents: listOf(config.CHAT_RECOMMEND_INTENTS),
      },
      topK: config.CHAT_INTENT_TOP_K,
      negativeMinConfidence: config.CHAT_NEGATIVE_MIN_CONFIDENCE,
      asksForHuman: phraseMatcher(config.CHAT_HANDOFF_KEYWORDS, 'plural'),
      asksForSuggestions: phraseMatcher(config.CHAT_RECOMMEND_KEYWORDS),
      withoutSuggestionPhrases: withoutPhrases(config.CHAT_RECOMMEND_KEYWORDS),
      smallTalk: smallTalkMatcher({ greeting: config.CHAT_SMALL_TALK_GREETINGS, thanks: config.CHAT_SMALL_TALK_THANKS, goodbye: config.CHAT_SMALL_TALK_GOODBYES }),
      recommendK: config.CHAT_RECOMMEND_K,
      productMinMatch: config.CHAT_PRODUCT_MIN_MATCH,
      templateValues: config.CHAT_TEMPLATE_VALUES,
    },
  );
  const trainer = new ChatTrainer(config, models, log);
  let ready = false;
  let training: Promise<void> = Promise.resolve();

  const reloadModel = async (kind: ChatModelKind): Promise<ReloadOutcome> => {
    try {
      return await models.reload(kind);
    } catch (err) {
      log.error({ err, kind }, `the ${kind} model in the registry could not be loaded`);
      return 'incompatible';
    }
  };

  return {
    kb,
    models,
    dialog,
    feedback,
    personalData: chatPersonalData(sessions, feedback),
    routers: [
      kbRouter(kb),
      dialogRouter(dialog, { maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS }),
      classifyRouter(models, { maxChars: config.CHAT_MAX_MESSAGE_CHARS, defaultTopK: config.CHAT_INTENT_TOP_K }),
    ],
    get ready() {
      return ready;
    },
    get training() {
      return training;
    },
    async start() {
      await deps.db.migrate(chatMigrations);
      await Promise.all([kb.load(), ...CHAT_MODEL_KINDS.map(reloadModel)]);
      ready = true;
      training = trainer.trainMissing(deps.embed.ready);
    },
    reloadModel,
    retrain: (kind, opts = {}) => trainer.trainAndLoad({ kind, features: config.CHAT_STARTUP_TRAINING !== 'lexical' && deps.embed.ready ? 'full' : 'lexical', seed: opts.seed }),
    async close() {
      await trainer.close();
      await models.close();
      await kb.close();
    },
  };
}
