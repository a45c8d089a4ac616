import path from 'node:path';
import { readBanking77, readSentimentSentences } from '../../shared/datasets/labelled-text.ts';

/**
 * Real sentences for the embedding benchmark: Banking77's test questions and the UCI
 * sentiment sentences, interleaved (so lengths mix as in live traffic), first `count`.
 */
export function benchSentences(sharedDir: string, count: number): string[] {
  const banking = readBanking77(path.join(sharedDir, 'data', 'banking77', 'test.csv')).map((r) => r.text);
  const sentiment = readSentimentSentences(path.join(sharedDir, 'data', 'sentiment-labelled-sentences')).map((r) => r.text);
  const out: string[] = [];
  for (let i = 0; out.length < count && (i < banking.length || i < sentiment.length); i++) {
    if (i < banking.length) out.push(banking[i]!);
    if (i < sentiment.length && out.length < count) out.push(sentiment[i]!);
  }
  return out.slice(0, count);
}
