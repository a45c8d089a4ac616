import { describe, expect, it } from 'vitest';
import { decide, type PolicyMemory, type PolicyRules, type TurnSignals } from '../../../services/chat/dialog/dialog-policy.ts';

const rules: PolicyRules = {
  answerMinConfidence: 0.5,
  lowConfidenceTurns: 2,
  negativeTurns: 2,
  negativeWindow: 3,
  handoffIntents: new Set(['contact_human_agent']),
  recommendIntents: new Set(['ask_suggestions']),
};
const fresh: PolicyMemory = { low_confidence_streak: 0, recent_sentiment: [] };
const signals = (over: Partial<TurnSignals> & { label?: string; confidence?: number } = {}): TurnSignals => {
  const label = over.label ?? 'track_order';
  const confidence = over.confidence ?? 0.9;
  return {
    intent: { label, confidence, top: [{ label: label === 'unknown' ? 'track_order' : label, confidence }, { label: 'cancel_order', confidence: 0.1 }] },
    sentiment: over.sentiment ?? 'neutral',
    asksForHuman: over.asksForHuman ?? false,
    asksForSuggestions: over.asksForSuggestions ?? false,
    smallTalk: over.smallTalk,
  };
};

describe('decide', () => {
  it('answers a confident intent and keeps the sentiment history', () => {
    expect(decide(fresh, signals(), rules)).toEqual({ action: 'answer', reason: 'confident', memory: { low_confidence_streak: 0, recent_sentiment: ['neutral'] } });
  });

  it('asks to clarify below the threshold, or on unknown, naming the two likeliest intents', () => {
    expect(decide(fresh, signals({ confidence: 0.49 }), rules)).toMatchObject({ action: 'clarify', reason: 'low_confidence', options: ['track_order', 'cancel_order'], memory: { low_confidence_streak: 1 } });
    expect(decide(fresh, signals({ label: 'unknown', confidence: 0.9 }), rules).action).toBe('clarify');
  });

  it('hands off on the second low-confidence turn in a row, and starts afresh', () => {
    const first = decide(fresh, signals({ confidence: 0.2 }), rules);
    const second = decide(first.memory, signals({ confidence: 0.2 }), rules);
    expect(second).toEqual({ action: 'handoff', reason: 'low_confidence_repeated', memory: fresh });
    // a confident turn between them resets the streak
    const between = decide(first.memory, signals(), rules);
    expect(decide(between.memory, signals({ confidence: 0.2 }), rules).action).toBe('clarify');
  });

  it('answers small talk in kind, leaving the count of unsure turns where it was', () => {
    const unsure = decide(fresh, signals({ confidence: 0.2 }), rules);
    const thanks = decide(unsure.memory, signals({ confidence: 0.1, smallTalk: 'thanks', sentiment: 'positive' }), rules);
    expect(thanks).toEqual({ action: 'answer', reason: 'small_talk', smallTalk: 'thanks', memory: { low_confidence_streak: 1, recent_sentiment: ['neutral', 'positive'] } });
    // the next unsure turn is still the second in a row
    expect(decide(thanks.memory, signals({ confidence: 0.2 }), rules)).toMatchObject({ action: 'handoff', reason: 'low_confidence_repeated' });
    // asking for a person still wins
    expect(decide(fresh, signals({ smallTalk: 'greeting', asksForHuman: true }), rules)).toMatchObject({ action: 'handoff', reason: 'handoff_requested' });
  });

  it('hands off when asked, in words or by a confident hand-off intent', () => {
    expect(decide(fresh, signals({ asksForHuman: true, confidence: 0.1 }), rules)).toMatchObject({ action: 'handoff', reason: 'handoff_requested' });
    expect(decide(fresh, signals({ label: 'contact_human_agent' }), rules)).toMatchObject({ action: 'handoff', reason: 'handoff_requested' });
    // an unsure guess at the hand-off intent is a question, not a hand-off
    expect(decide(fresh, signals({ label: 'contact_human_agent', confidence: 0.3 }), rules).action).toBe('clarify');
  });

  it('hands off on two negatives within the last three turns, not on two far apart', () => {
    let m = decide(fresh, signals({ sentiment: 'negative' }), rules).memory;
    m = decide(m, signals(), rules).memory;
    expect(decide(m, signals({ sentiment: 'negative' }), rules)).toMatchObject({ action: 'handoff', reason: 'negative_sentiment_repeated', memory: fresh });
    m = decide(fresh, signals({ sentiment: 'negative' }), rules).memory;
    m = decide(m, signals(), rules).memory;
    m = decide(m, signals({ sentiment: 'positive' }), rules).memory;
    expect(m.recent_sentiment).toEqual(['negative', 'neutral', 'positive']);
    expect(decide(m, signals({ sentiment: 'negative' }), rules).action).toBe('answer');
  });

  it('recommends when asked for suggestions, in words or by intent; a hand-off request comes first', () => {
    expect(decide(fresh, signals({ asksForSuggestions: true, confidence: 0.1 }), rules)).toMatchObject({ action: 'recommend', reason: 'suggestions_requested' });
    expect(decide(fresh, signals({ label: 'ask_suggestions' }), rules).action).toBe('recommend');
    expect(decide(fresh, signals({ asksForSuggestions: true, asksForHuman: true }), rules).action).toBe('handoff');
  });

  it('follows configured thresholds', () => {
    const strict = { ...rules, answerMinConfidence: 0.95, lowConfidenceTurns: 1, negativeTurns: 1, negativeWindow: 1 };
    expect(decide(fresh, signals({ confidence: 0.9 }), strict)).toMatchObject({ action: 'handoff', reason: 'low_confidence_repeated' });
    expect(decide(fresh, signals({ confidence: 0.99, sentiment: 'negative' }), strict)).toMatchObject({ action: 'handoff', reason: 'negative_sentiment_repeated' });
  });
});
