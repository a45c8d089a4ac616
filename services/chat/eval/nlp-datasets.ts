import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readSentimentSentences } from '../../../shared/datasets/labelled-text.ts';
import { readCsvTable } from '../../../shared/datasets/read-csv.ts';
import { appError } from '../../../shared/errors/index.ts';
import type { LabelledExample } from '../classify/text-classifier.ts';
import { readLabelledCsv } from './labelled-csv.ts';

const TEXT_COLUMNS = ['text', 'instruction', 'sentence', 'utterance', 'query'];
const LABEL_COLUMNS = ['label', 'category', 'intent', 'sentiment'];

/** The data the shared folder provides, by task. */
export function defaultDataPaths(sharedDir: string) {
  const data = path.resolve(sharedDir, 'data');
  return {
    intentsTrain: path.join(data, 'banking77', 'train.csv'),
    intentsTest: path.join(data, 'banking77', 'test.csv'),
    sentiment: path.join(data, 'sentiment-labelled-sentences'),
  };
}

function pickColumn(file: string, given: string | undefined, candidates: string[], what: string): string {
  if (given) return given;
  const { header } = readCsvTable(file);
  const found = candidates.find((c) => header.includes(c));
  if (!found) {
    throw appError('EVAL_DATASET_INVALID', `cannot tell the ${what} column of ${file} (columns: ${header.join(', ')}); name it with --${what}-column`, { file });
  }
  return found;
}

/**
 * Labelled texts from a CSV file (text and label columns named, or guessed from common names:
 * text/instruction/sentence, label/category/intent), or from a folder of the UCI sentiment
 * sentences.
 */
export function readLabelledData(source: string, columns: { text?: string; label?: string } = {}): LabelledExample[] {
  if (!existsSync(source)) throw appError('EVAL_DATASET_NOT_FOUND', `no such file or folder: ${source}`, { path: source });
  if (statSync(source).isDirectory()) {
    try {
      return readSentimentSentences(source);
    } catch (err) {
      throw appError('EVAL_DATASET_NOT_FOUND', `${source} is not a folder of the UCI sentiment sentences: ${err instanceof Error ? err.message : String(err)}`, { path: source }, err);
    }
  }
  const text = pickColumn(source, columns.text, TEXT_COLUMNS, 'text');
  const label = pickColumn(source, columns.label, LABEL_COLUMNS, 'label');
  return readLabelledCsv(source, text, label);
}
