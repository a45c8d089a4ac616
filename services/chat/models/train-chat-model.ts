import type { FolderFile } from '../../../shared/fs/write-folder-atomically.ts';
import type { ModelRegistry } from '../../../shared/registry/index.ts';
import { INTENT_DEFAULTS, SENTIMENT_DEFAULTS, TextClassifier, type EmbedFn, type LabelledExample } from '../classify/index.ts';
import { CLASSIFIER_SUBDIR, type ChatModelKind } from './chat-model-kinds.ts';
import { negativeConfidences, negativeThreshold, shareAtLeast } from './negative-threshold.ts';

export interface TrainChatModelOptions {
  kind: ChatModelKind;
  examples: readonly LabelledExample[];
  /** The encoder, for lexical + dense features; without it, lexical features only. */
  embed?: EmbedFn;
  /** Id of that encoder, recorded so a server with another encoder does not load the model. */
  encoderId?: string;
  seed?: number;
  /** Promoted unless its held-out accuracy is below the current model's by more than this. */
  tolerance: number;
  /**
   * Start-up training: promote only while the registry's current version is still this one,
   * the version the start found unusable (null: none), whatever its metric: another process
   * may have put a usable one in service meanwhile.
   */
  onlyIfCurrentIs?: string | null;
  /**
   * Sentiment: ordinary support messages (the intent training texts), the share of them
   * allowed to count as negative, and the least threshold the dialog uses (for the record); the
   * manifest records the negative threshold that keeps to that share.
   */
  reference?: { texts: readonly string[]; rate: number; floor: number };
  /**
   * What it was trained on (source, counts), stored in the manifest; `read_at` (ms) when the
   * examples were read: a version trained on data read earlier than the one in service's never
   * replaces it (ModelRegistry.decide).
   */
  data: Record<string, unknown>;
  /** Versions kept after the decision (see ModelRegistry.prune); 0 or absent keeps all. */
  keepVersions?: number;
  onProgress?: (stage: string) => void;
}

export interface TrainChatModelResult {
  kind: ChatModelKind;
  version: string;
  promoted: boolean;
  /** Held-out accuracy of the candidate, and of the model in service when it was compared. */
  metric: number;
  currentMetric: number | null;
  /** Everything the candidate's manifest records (held-out accuracy, macro-F1, sizes, time). */
  metrics: Record<string, number>;
  /** Older versions deleted after the decision (`keepVersions`). */
  pruned: string[];
  features: 'full' | 'lexical';
  examples: number;
  labels: number;
  seconds: number;
  note?: string;
}

/**
 * Trains an intent or sentiment classifier, stores it in the registry (kind `intents` or
 * `sentiment`, the classifier's files under `model/`) and promotes it unless it measures worse
 * than the model in service. The comparison uses each model's own held-out split, the only
 * figure both have; the registry keeps the candidate either way.
 * @example await trainChatModel(registry, { kind: 'intents', examples, embed, tolerance: 0.005, data: { source } })
 */
export async function trainChatModel(registry: ModelRegistry, opts: TrainChatModelOptions): Promise<TrainChatModelResult> {
  const started = performance.now();
  const clf = await TextClassifier.train(opts.examples, {
    ...(opts.kind === 'intents' ? INTENT_DEFAULTS : SENTIMENT_DEFAULTS),
    seed: opts.seed ?? 42,
    embed: opts.embed,
    onProgress: opts.onProgress,
  });
  try {
    const m = clf.meta;
    const metrics: Record<string, number> = { n_train: m.n_train, train_seconds: m.train_seconds };
    for (const [k, v] of Object.entries(m.holdout)) if (typeof v === 'number') metrics[`holdout_${k}`] = v;
    if (opts.kind === 'sentiment' && opts.reference && opts.reference.texts.length > 0) {
      const calibration = await calibrateNegative(clf, opts.reference);
      Object.assign(metrics, calibration);
      if (calibration.negative_threshold !== undefined) opts.onProgress?.(
        `sentiment: negative threshold ${metrics.negative_threshold!.toFixed(3)} (${(opts.reference.rate * 100).toFixed(1)} % of ${opts.reference.texts.length} support messages at most; ${((metrics.reference_negative_share_at_floor ?? 0) * 100).toFixed(1)} % would have counted as negative at ${opts.reference.floor})`,
      );
    }
    const metric = m.holdout.accuracy ?? 0;
    const features = clf.usesEmbeddings ? 'full' : 'lexical';
    const files: FolderFile[] = clf.toFiles().map((f) => ({ path: `${CLASSIFIER_SUBDIR}/${f.path}`, data: f.data }));
    const version = await registry.publish(opts.kind, files, {
      metrics,
      data: { ...opts.data, examples: opts.examples.length, labels: m.labels.length },
      encoder: clf.usesEmbeddings ? (opts.encoderId ?? null) : null,
      features,
    });
    const name = version.manifest.version;
    // decided under the registry's lock: a version promoted meanwhile is the one compared with
    let currentMetric: number | null = null;
    const { promoted, note } = await registry.decide(opts.kind, name, (current) => {
      currentMetric = current ? (current.manifest.metrics.holdout_accuracy ?? null) : null;
      if (opts.onlyIfCurrentIs !== undefined) {
        if ((current?.manifest.version ?? null) !== opts.onlyIfCurrentIs) return { promote: false, note: `${opts.kind} ${current?.manifest.version ?? '(none)'} went into service meanwhile` };
        return { promote: true };
      }
      if (currentMetric === null || metric >= currentMetric - opts.tolerance) return { promote: true };
      return { promote: false, note: `held-out accuracy ${metric.toFixed(4)} < current ${currentMetric.toFixed(4)} - ${opts.tolerance}` };
    });
    const pruned = opts.keepVersions ? await registry.prune(opts.kind, { keep: opts.keepVersions }) : [];
    if (pruned.length > 0) opts.onProgress?.(`deleted ${pruned.length} older ${opts.kind} version(s) (REGISTRY_KEEP_VERSIONS ${opts.keepVersions})`);
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    return { kind: opts.kind, version: name, promoted, metric, currentMetric, metrics, pruned, features, examples: opts.examples.length, labels: m.labels.length, seconds, ...(note ? { note } : {}) };
  } finally {
    await clf.dispose();
  }
}

/**
 * The sentiment model's confidence in `negative` over ordinary support messages, and the
 * threshold that at most `rate` of them reach (see {@link negativeThreshold}); with the share
 * of them that the dialog's least threshold alone would have counted as negative.
 */
async function calibrateNegative(clf: TextClassifier, reference: { texts: readonly string[]; rate: number; floor: number }): Promise<Record<string, number>> {
  const confidences = await negativeConfidences(clf, reference.texts);
  if (!confidences) return {};
  const threshold = negativeThreshold(confidences, reference.rate);
  return {
    negative_threshold: threshold,
    reference_texts: confidences.length,
    reference_negative_share: shareAtLeast(confidences, threshold),
    reference_negative_share_at_floor: shareAtLeast(confidences, reference.floor),
  };
}
