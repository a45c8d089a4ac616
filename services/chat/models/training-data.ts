import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../shared/config/index.ts';
import { readSentimentSentences } from '../../../shared/datasets/labelled-text.ts';
import { readCsvTable } from '../../../shared/datasets/read-csv.ts';
import { appError } from '../../../shared/errors/index.ts';
import { sameTextKey, type LabelledExample } from '../classify/index.ts';
import type { IntentFeedback } from '../feedback/feedback.repository.ts';
import type { ChatModelKind } from './chat-model-kinds.ts';
import { sentimentLabel } from './sentiment-label.ts';

const TEXT_COLUMNS = ['text', 'instruction', 'utterance', 'sentence', 'query'];
const LABEL_COLUMNS = ['label', 'intent', 'category', 'sentiment'];

/** The labelled data each chat model is trained on: the configured file, else the shared data set. */
export function chatTrainingSource(config: Config, kind: ChatModelKind): string {
  const data = path.resolve(config.AFFINITY_SHARED_DIR, 'data');
  return kind === 'intents'
    ? config.CHAT_INTENTS_DATA || path.join(data, 'customer-support', 'bitext_customer_support_training.csv')
    : config.CHAT_SENTIMENT_DATA || path.join(data, 'sentiment-labelled-sentences');
}

/**
 * Labelled texts from a CSV (text column `text`/`instruction`/…, label column
 * `label`/`intent`/…) or a folder of the UCI sentiment sentences; sentiment labels become
 * `negative`/`positive`. Throws `CHAT_TRAINING_DATA_NOT_FOUND`.
 */
export function readTrainingExamples(source: string, kind: ChatModelKind): LabelledExample[] {
  if (!existsSync(source)) throw appError('CHAT_TRAINING_DATA_NOT_FOUND', `no labelled ${kind} data at ${source}`, { source });
  let examples: LabelledExample[];
  if (statSync(source).isDirectory()) {
    examples = readSentimentSentences(source);
  } else {
    const { header, rows } = readCsvTable(source);
    const text = TEXT_COLUMNS.find((c) => header.includes(c));
    const label = LABEL_COLUMNS.find((c) => header.includes(c));
    if (!text || !label) {
      throw appError('CHAT_TRAINING_DATA_NOT_FOUND', `${source} has no text or label column (columns: ${header.join(', ')})`, { source });
    }
    examples = rows.map((r) => ({ text: (r[text] ?? '').trim(), label: (r[label] ?? '').trim() })).filter((e) => e.text && e.label);
  }
  return kind === 'sentiment' ? examples.map((e) => ({ text: e.text, label: sentimentLabel(e.label) })) : examples;
}

/**
 * The intent training set: the base data set plus every corrected intent, `repeat` times each
 * (one example among thousands would hardly move a linear model). A base example with the
 * same text as a correction is dropped: the correction wins, and the latest one per text.
 * Corrections are `alwaysTrain`: the held-out accuracy the promotion gate compares stays a
 * measure of the data set, on which the model in service was measured too.
 * @example intentTrainingExamples(readTrainingExamples(csv, 'intents'), await feedback.all(), 3)
 */
export function intentTrainingExamples(base: readonly LabelledExample[], feedback: readonly IntentFeedback[], repeat: number): LabelledExample[] {
  const corrected = new Map<string, { text: string; label: string }>();
  for (const f of feedback) corrected.set(sameTextKey(f.text), { text: f.text, label: f.intent });
  const kept = base.filter((e) => !corrected.has(sameTextKey(e.text)));
  const extra = [...corrected.values()].flatMap((c) => Array.from({ length: repeat }, () => ({ ...c, alwaysTrain: true })));
  return [...kept, ...extra];
}
