import { existsSync } from 'node:fs';
import type { Config } from '../../../shared/config/index.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import { CHAT_MODEL_KINDS } from './chat-model-kinds.ts';
import type { ChatModels } from './chat-models.ts';
import type { TrainChatModelArgs } from './train-chat-model.task.ts';
import type { TrainChatModelResult } from './train-chat-model.ts';
import { trainInProcess, type TrainingRun } from './training-process.ts';
import { chatTrainingSource } from './training-data.ts';

/** Start-up training that takes longer than this on full features should go lexical (CHAT_STARTUP_TRAINING). */
const SLOW_SECONDS = 30;

/**
 * Trains chat models in child processes into the registry and puts what the registry then has in
 * service. Runs still going when the server stops are cancelled.
 */
export class ChatTrainer {
  private readonly runs = new Set<TrainingRun>();
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly models: ChatModels,
    private readonly log: Logger,
  ) {}

  /** Trains one model (intents: the data set plus every corrected intent) and loads the registry's current version. */
  async trainAndLoad(args: Omit<TrainChatModelArgs, 'config'>): Promise<TrainChatModelResult> {
    const run = trainInProcess({ ...args, config: this.config }, (message) => this.log.debug({ kind: args.kind }, message));
    this.runs.add(run);
    try {
      const result = await run.result;
      if (!this.closed) await this.models.reload(args.kind);
      return result;
    } finally {
      this.runs.delete(run);
    }
  }

  /**
   * For each chat model kind with nothing in service: train one from its data set in the
   * background, publish it, promote it and load it. Until then the chat and classify routes
   * answer 503 `CHAT_MODEL_NOT_LOADED`. Never throws: failures are logged.
   */
  async trainMissing(encoderReady: boolean): Promise<void> {
    const mode = this.config.CHAT_STARTUP_TRAINING;
    for (const kind of CHAT_MODEL_KINDS) {
      if (this.closed || this.models.loaded(kind)) continue;
      const source = chatTrainingSource(this.config, kind);
      if (mode === 'off') {
        this.log.warn({ kind }, `no ${kind} model in service and CHAT_STARTUP_TRAINING=off: the chat and classify routes answer 503 until one is promoted`);
        continue;
      }
      if (!existsSync(source)) {
        this.log.warn({ kind, source }, `no ${kind} model in service and no data to train one at ${source}: the chat and classify routes answer 503`);
        continue;
      }
      const features = mode === 'full' && encoderReady ? 'full' : 'lexical';
      this.log.info(
        { kind, source, features },
        `no ${kind} model in service: training one in the background (${features === 'full' ? 'word/char n-grams and embeddings' : 'word/char n-grams only'})`,
      );
      try {
        // nothing loaded: no version in service, or one this server cannot use (another encoder's)
        const unusable = (await this.models.registry.currentName(kind).catch(() => undefined)) ?? null;
        const r = await this.trainAndLoad({ kind, features, onlyIfCurrentIs: unusable });
        this.log.info(r, `trained the ${kind} model ${r.version} on ${r.examples} examples in ${r.seconds} s (${r.features} features, held-out accuracy ${r.metric.toFixed(3)})`);
        if (r.features === 'full' && r.seconds > SLOW_SECONDS) {
          this.log.warn({ kind, seconds: r.seconds }, `start-up training took over ${SLOW_SECONDS} s; CHAT_STARTUP_TRAINING=lexical trains on n-grams only, faster`);
        }
      } catch (err) {
        if (this.closed) return;
        this.log.error({ err, kind }, `training the ${kind} model failed; the chat and classify routes answer 503`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.runs].map((r) => r.cancel()));
  }
}
