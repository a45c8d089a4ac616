import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../../services/chat/eval/index.ts';
import { holdoutSplit } from '../../../services/chat/classify/text-classifier.ts';
import type { LabelledExample } from '../../../services/chat/classify/index.ts';
import type { IntentFeedback } from '../../../services/chat/feedback/feedback.repository.ts';
import { intentTrainingExamples } from '../../../services/chat/models/training-data.ts';

const base: LabelledExample[] = Array.from({ length: 120 }, (_, i) => ({ text: `message number ${i}`, label: ['refund', 'track', 'cancel'][i % 3]! }));

describe('holdoutSplit', () => {
  it('is stratifiedSplit when no text repeats and nothing is pinned', () => {
    expect(holdoutSplit(base, 0.15, 42)).toEqual(stratifiedSplit(base.map((e) => e.label), 0.15, 42));
  });

  it('never holds out a correction or a text a correction has, and holds out the same base examples as without corrections', () => {
    const feedback = [
      ['Message number 4', 'cancel'],
      ['where is my parcel', 'track'],
      ['i want my money', 'refund'],
    ].map(([text, intent], i): IntentFeedback => ({ session_id: 's', message_index: i, text: text!, predicted_intent: null, intent: intent!, created_at: i }));
    const examples = intentTrainingExamples(base, feedback, 3);
    expect(examples.filter((e) => e.alwaysTrain)).toHaveLength(9);
    for (const seed of [1, 2, 42]) {
      const { train, test } = holdoutSplit(examples, 0.15, seed);
      expect([...train, ...test].sort((a, b) => a - b)).toEqual(examples.map((_, i) => i));
      expect(test.filter((i) => examples[i]!.alwaysTrain)).toEqual([]);
      // the base examples that remain split exactly as they would with no corrections at all
      const kept = examples.filter((e) => !e.alwaysTrain);
      const alone = holdoutSplit(kept, 0.15, seed);
      expect(test.map((i) => examples[i]!.text)).toEqual(alone.test.map((i) => kept[i]!.text));
    }
  });

  it('keeps copies of one text on one side', () => {
    const doubled = [...base, ...base.slice(0, 30).map((e) => ({ ...e, text: ` ${e.text.toUpperCase()} ` }))];
    const { train, test } = holdoutSplit(doubled, 0.25, 42);
    const key = (i: number) => doubled[i]!.text.trim().toLowerCase();
    const trained = new Set(train.map(key));
    expect(test.length).toBeGreaterThan(0);
    expect(test.filter((i) => trained.has(key(i)))).toEqual([]);
  });
});
