import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from './read-csv.ts';

export interface LabelledText {
  text: string;
  label: string;
}

/** Banking77's `text,category` CSV (train.csv or test.csv). */
export function readBanking77(file: string): LabelledText[] {
  return readCsv(file).map((r) => ({ text: r.text ?? '', label: r.category ?? '' }));
}

export const SENTIMENT_FILES = ['amazon_cells_labelled.txt', 'yelp_labelled.txt', 'imdb_labelled.txt'] as const;

/**
 * The UCI sentiment-labelled sentences: `sentence<TAB>label` per line, split on `\n` only
 * (some sentences hold stray carriage returns or quotes).
 */
export function readSentimentSentences(dir: string): LabelledText[] {
  const out: LabelledText[] = [];
  for (const f of SENTIMENT_FILES) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const tab = line.lastIndexOf('\t');
      if (tab < 0) continue;
      const label = line.slice(tab + 1).trim();
      const text = line.slice(0, tab).trim();
      if (text && (label === '0' || label === '1')) out.push({ text, label });
    }
  }
  return out;
}
