import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Prediction } from '../../../services/chat/classify/index.ts';
import { sentimentOf } from '../../../services/chat/dialog/dialog.service.ts';
import type { IntentFeedback } from '../../../services/chat/feedback/feedback.repository.ts';
import { sentimentLabel } from '../../../services/chat/models/sentiment-label.ts';
import { intentTrainingExamples, readTrainingExamples } from '../../../services/chat/models/training-data.ts';
import { sharedDir } from '../../support/paths.ts';

const fb = (text: string, intent: string, i = 0): IntentFeedback => ({ session_id: 's', message_index: i, text, predicted_intent: null, intent, created_at: i });

describe('intentTrainingExamples', () => {
  const base = [
    { text: 'where is my order', label: 'track_order' },
    { text: 'The box arrived  BROKEN', label: 'track_order' },
    { text: 'cancel it', label: 'cancel_order' },
  ];

  it('is the base data plus each correction repeated, a correction replacing base examples of the same text', () => {
    const out = intentTrainingExamples(base, [fb('the box arrived broken', 'get_refund')], 3);
    expect(out).toEqual([
      { text: 'where is my order', label: 'track_order' },
      { text: 'cancel it', label: 'cancel_order' },
      ...Array.from({ length: 3 }, () => ({ text: 'the box arrived broken', label: 'get_refund', alwaysTrain: true })),
    ]);
  });

  it('keeps the latest correction of a text, and the base as it was when there is none', () => {
    const out = intentTrainingExamples(base, [fb('cancel it', 'get_refund', 0), fb('Cancel it', 'cancel_order', 1)], 1);
    expect(out.filter((e) => e.text.toLowerCase() === 'cancel it')).toEqual([{ text: 'Cancel it', label: 'cancel_order', alwaysTrain: true }]);
    expect(intentTrainingExamples(base, [], 5)).toEqual(base);
  });
});

describe('reading training data', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-chat-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads CSVs by their text and label columns, and maps sentiment labels', () => {
    const intents = path.join(dir, 'intents.csv');
    writeFileSync(intents, 'instruction,intent,other\n"where, oh where",track_order,x\n  ,empty,x\ncancel,cancel_order,y\n');
    expect(readTrainingExamples(intents, 'intents')).toEqual([
      { text: 'where, oh where', label: 'track_order' },
      { text: 'cancel', label: 'cancel_order' },
    ]);
    const sentiment = path.join(dir, 'sentiment.csv');
    writeFileSync(sentiment, 'sentence,label\ngreat,1\nawful,0\nmeh,neutral\n');
    expect(readTrainingExamples(sentiment, 'sentiment').map((e) => e.label)).toEqual(['positive', 'negative', 'neutral']);
  });

  it('reads the UCI sentiment folder as negative/positive', () => {
    const examples = readTrainingExamples(path.join(sharedDir(), 'data', 'sentiment-labelled-sentences'), 'sentiment');
    expect(examples).toHaveLength(3000);
    expect(new Set(examples.map((e) => e.label))).toEqual(new Set(['negative', 'positive']));
  });

  it('throws CHAT_TRAINING_DATA_NOT_FOUND for a missing file or unknown columns', () => {
    expect(() => readTrainingExamples(path.join(dir, 'nope.csv'), 'intents')).toThrow(expect.objectContaining({ code: 'CHAT_TRAINING_DATA_NOT_FOUND' }));
    const odd = path.join(dir, 'odd.csv');
    writeFileSync(odd, 'a,b\n1,2\n');
    expect(() => readTrainingExamples(odd, 'intents')).toThrow(expect.objectContaining({ code: 'CHAT_TRAINING_DATA_NOT_FOUND' }));
  });
});

describe('sentiment labels', () => {
  it.each([
    ['0', 'negative'],
    ['NEG', 'negative'],
    ['1', 'positive'],
    ['Positive', 'positive'],
    ['neutral', 'neutral'],
  ])('%s → %s', (raw, label) => {
    expect(sentimentLabel(raw)).toBe(label);
  });

  it('counts a message as negative or positive only when the model is sure enough', () => {
    const p = (label: string, confidence: number): Prediction => ({ label, confidence, top: [{ label, confidence }] });
    expect(sentimentOf(p('0', 0.9), 0.6)).toEqual({ label: 'negative', confidence: 0.9 });
    expect(sentimentOf(p('negative', 0.55), 0.6)).toEqual({ label: 'neutral', confidence: 0.55 });
    expect(sentimentOf(p('positive', 0.8), 0.6)).toEqual({ label: 'positive', confidence: 0.8 });
    expect(sentimentOf({ label: 'unknown', confidence: 0.58, top: [{ label: 'negative', confidence: 0.58 }] }, 0.5)).toEqual({ label: 'negative', confidence: 0.58 });
  });

  it('needs the model\'s calibrated threshold as well for negative, never more for positive', () => {
    const p = (label: string, confidence: number): Prediction => ({ label, confidence, top: [{ label, confidence }] });
    expect(sentimentOf(p('negative', 0.9), 0.6, 0.95)).toEqual({ label: 'neutral', confidence: 0.9 });
    expect(sentimentOf(p('negative', 0.96), 0.6, 0.95)).toEqual({ label: 'negative', confidence: 0.96 });
    // the configured least confidence still holds when the calibration is below it
    expect(sentimentOf(p('negative', 0.55), 0.6, 0.5)).toEqual({ label: 'neutral', confidence: 0.55 });
    expect(sentimentOf(p('positive', 0.7), 0.6, 0.95)).toEqual({ label: 'positive', confidence: 0.7 });
  });
});
