import path from 'node:path';
import type { Config } from '../../../shared/config/index.ts';

/** Registry kinds of the chat classifiers. */
export const INTENTS_KIND = 'intents';
export const SENTIMENT_KIND = 'sentiment';
export type ChatModelKind = typeof INTENTS_KIND | typeof SENTIMENT_KIND;
export const CHAT_MODEL_KINDS: readonly ChatModelKind[] = [INTENTS_KIND, SENTIMENT_KIND];

/** Where a version folder keeps the classifier's own files (the registry's manifest.json sits beside it). */
export const CLASSIFIER_SUBDIR = 'model';

/** The model registry's root: the one every service shares (`<AFFINITY_DATA_DIR>/registry`). */
export function chatRegistryRoot(config: Config): string {
  return path.resolve(config.AFFINITY_DATA_DIR, 'registry');
}
