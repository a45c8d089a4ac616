import path from 'node:path';
import type { Logger } from '../../../shared/logging/logger.ts';
import { UNREADABLE_CURRENT, type ModelRegistry } from '../../../shared/registry/index.ts';
import type { EmbedService } from '../../embed/index.ts';
import { TextClassifier, type EmbedFn, type Prediction } from '../classify/index.ts';
import { CLASSIFIER_SUBDIR, INTENTS_KIND, SENTIMENT_KIND, type ChatModelKind } from './chat-model-kinds.ts';
import { ModelHolder } from './model-holder.ts';

export type ReloadOutcome = 'loaded' | 'unchanged' | 'none' | 'incompatible' | 'unusable';

/**
 * The intent and sentiment classifiers in service, loaded from the model registry and swapped
 * when a newer version is promoted. A model trained with another encoder's embeddings is
 * refused (its dense features would be meaningless), as if none were in service.
 */
export class ChatModels {
  private readonly holders: Record<ChatModelKind, ModelHolder<TextClassifier>> = {
    intents: new ModelHolder(INTENTS_KIND),
    sentiment: new ModelHolder(SENTIMENT_KIND),
  };
  private readonly embedFn: EmbedFn;

  constructor(
    readonly registry: ModelRegistry,
    private readonly embed: EmbedService,
    private readonly log: Logger,
  ) {
    this.embedFn = async (texts) => (await this.embed.embed(texts)).vectors;
  }

  version(kind: ChatModelKind): string | undefined {
    return this.holders[kind].version;
  }

  loaded(kind: ChatModelKind): boolean {
    return this.holders[kind].loaded;
  }

  /**
   * Puts the registry's current version of `kind` in service, if it is not already. A version
   * whose files fail their checksums, or that was trained with another encoder, is refused
   * (with a log line saying why) and the newest earlier usable version serves instead.
   */
  async reload(kind: ChatModelKind): Promise<ReloadOutcome> {
    // a damaged CURRENT file or manifest is not "nothing to serve": loadServable falls back
    const current = await this.registry.currentName(kind).catch(() => UNREADABLE_CURRENT);
    if (!current) return 'none';
    if (current === this.holders[kind].version) return 'unchanged';
    let incompatible = false;
    const found = await this.registry.loadServable(
      kind,
      async (v) => {
        const clf = await TextClassifier.load(path.join(v.dir, CLASSIFIER_SUBDIR), { embed: this.embedFn });
        const info = this.embed.info;
        const trainedWith = typeof v.manifest.encoder === 'string' ? v.manifest.encoder : undefined;
        const dim = clf.meta.shapes?.dense_dim ?? 0;
        if (clf.usesEmbeddings && info && ((trainedWith && trainedWith !== info.id) || (dim > 0 && dim !== info.dim))) {
          await clf.dispose();
          incompatible = true;
          throw new Error(`trained with encoder ${trainedWith ?? '?'} (dim ${dim}); serving ${info.id} (dim ${info.dim})`);
        }
        return clf;
      },
      (version, err) => this.log.warn({ kind, version, err: err instanceof Error ? err.message : String(err) }, `refusing ${kind} model ${version}`),
    );
    if (!found) return incompatible ? 'incompatible' : 'unusable';
    const version = found.version.manifest.version;
    if (version === this.holders[kind].version) {
      await found.model.dispose();
      return 'unchanged';
    }
    await this.holders[kind].swap(found.model, version, found.version.manifest.metrics);
    if (found.fallback) this.log.warn({ kind, version, current }, `${kind}: the current version is unusable; serving ${version}`);
    this.log.info({ kind, version, labels: found.model.labels.length, metrics: found.version.manifest.metrics }, `${kind} model ${version} in service`);
    return 'loaded';
  }

  /** The labels the intent model in service knows; undefined when none is in service. */
  intentLabels(): readonly string[] | undefined {
    return this.holders.intents.peek()?.labels;
  }

  /** Intent of each text: label (or `unknown`), calibrated confidence, the `topK` likeliest. */
  predictIntents(texts: readonly string[], topK: number): Promise<Prediction[]> {
    return this.holders.intents.use((clf) => clf.predict(texts, { topK }));
  }

  predictSentiment(texts: readonly string[], topK = 3): Promise<Prediction[]> {
    return this.holders.sentiment.use((clf) => clf.predict(texts, { topK }));
  }

  /**
   * Sentiment of each text, with the negative threshold calibrated on ordinary support
   * messages when the model in service was trained with one (the same model's).
   */
  async sentiment(texts: readonly string[]): Promise<{ predictions: Prediction[]; negativeThreshold: number | undefined }> {
    return this.holders.sentiment.use(async (clf, metrics) => ({ predictions: await clf.predict(texts, { topK: 3 }), negativeThreshold: metrics.negative_threshold }));
  }

  async close(): Promise<void> {
    await this.holders.intents.close();
    await this.holders.sentiment.close();
  }
}
