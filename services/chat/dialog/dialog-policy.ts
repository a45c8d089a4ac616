import type { LabelScore } from '../classify/index.ts';
import type { SmallTalk } from './small-talk.ts';

export type DialogAction = 'answer' | 'clarify' | 'recommend' | 'handoff';
export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** Why the policy chose its action. */
export type DialogReason =
  | 'confident'
  | 'suggestions_requested'
  | 'low_confidence'
  | 'handoff_requested'
  | 'low_confidence_repeated'
  | 'negative_sentiment_repeated'
  | 'no_answer'
  | 'small_talk';

/** The rules and thresholds (from the CHAT_* configuration). */
export interface PolicyRules {
  answerMinConfidence: number;
  lowConfidenceTurns: number;
  negativeTurns: number;
  negativeWindow: number;
  handoffIntents: ReadonlySet<string>;
  recommendIntents: ReadonlySet<string>;
}

/** What the policy remembers between turns (part of the session state). */
export interface PolicyMemory {
  low_confidence_streak: number;
  /** Sentiment of the latest turns, oldest first, at most `negativeWindow` long. */
  recent_sentiment: SentimentLabel[];
}

/** What this turn's models and matchers said. */
export interface TurnSignals {
  intent: { label: string; confidence: number; top: readonly LabelScore[] };
  sentiment: SentimentLabel;
  /** The customer asked for a person in words (CHAT_HANDOFF_KEYWORDS). */
  asksForHuman: boolean;
  /** The customer asked for product suggestions in words (CHAT_RECOMMEND_KEYWORDS). */
  asksForSuggestions: boolean;
  /** The message is only a greeting, thanks or goodbye (CHAT_SMALL_TALK_*). */
  smallTalk?: SmallTalk;
}

export interface Decision {
  action: DialogAction;
  reason: DialogReason;
  /** For `clarify`: the two likeliest intents, to name in the question. */
  options?: [string, string];
  /** For `small_talk`: which kind, to reply in kind. */
  smallTalk?: SmallTalk;
  memory: PolicyMemory;
}

/**
 * The dialog policy, in order: hand off when the customer asks for a person; hand off after
 * repeated negative sentiment; answer small talk in kind (leaving the count of unsure turns
 * as it was); recommend when they ask for suggestions; answer when the
 * intent is confident; otherwise ask to clarify, and hand off when that happens
 * `lowConfidenceTurns` times in a row. A hand-off starts the counts afresh.
 * @example decide({ low_confidence_streak: 0, recent_sentiment: [] }, signals, rules).action // 'answer'
 */
export function decide(memory: PolicyMemory, s: TurnSignals, rules: PolicyRules): Decision {
  const recent = [...memory.recent_sentiment, s.sentiment].slice(-rules.negativeWindow);
  const confident = s.intent.label !== 'unknown' && s.intent.confidence >= rules.answerMinConfidence;
  const fresh: PolicyMemory = { low_confidence_streak: 0, recent_sentiment: [] };
  const carry: PolicyMemory = { low_confidence_streak: 0, recent_sentiment: recent };

  if (s.asksForHuman || (confident && rules.handoffIntents.has(s.intent.label))) {
    return { action: 'handoff', reason: 'handoff_requested', memory: fresh };
  }
  if (recent.filter((x) => x === 'negative').length >= rules.negativeTurns) {
    return { action: 'handoff', reason: 'negative_sentiment_repeated', memory: fresh };
  }
  // a greeting, thanks or goodbye is answered in kind, and is not an unsure turn
  if (s.smallTalk) return { action: 'answer', reason: 'small_talk', smallTalk: s.smallTalk, memory: { ...memory, recent_sentiment: recent } };
  if (s.asksForSuggestions || (confident && rules.recommendIntents.has(s.intent.label))) {
    return { action: 'recommend', reason: 'suggestions_requested', memory: carry };
  }
  if (confident) return { action: 'answer', reason: 'confident', memory: carry };
  const streak = memory.low_confidence_streak + 1;
  if (streak >= rules.lowConfidenceTurns) return { action: 'handoff', reason: 'low_confidence_repeated', memory: fresh };
  const [a, b] = s.intent.top;
  return {
    action: 'clarify',
    reason: 'low_confidence',
    options: [a?.label ?? 'unknown', b?.label ?? a?.label ?? 'unknown'],
    memory: { low_confidence_streak: streak, recent_sentiment: recent },
  };
}
