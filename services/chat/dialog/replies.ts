import type { DialogReason } from './dialog-policy.ts';
import type { ProductHit } from './slot-extractor.ts';
import type { SmallTalk } from './small-talk.ts';

/** `track_order` → "track order". */
export const humanize = (label: string): string => label.replace(/[_-]+/g, ' ').trim();

export function clarifyReply(options: readonly [string, string]): string {
  const [a, b] = options.map(humanize);
  return a === b ? `I want to be sure I understand: is your question about ${a}?` : `I want to be sure I understand: is your question about ${a}, or about ${b}?`;
}

const HANDOFF: Partial<Record<DialogReason, string>> = {
  handoff_requested: 'Of course. I am connecting you with a member of our support team now.',
  negative_sentiment_repeated: 'I am sorry this has been frustrating. I am passing you to a member of our team who can help right away.',
  low_confidence_repeated: 'I am sorry, I am still not sure I understand. Let me connect you with a member of our team.',
  no_answer: 'I do not have an answer to that yet, so I am connecting you with a member of our team.',
};

export function handoffReply(reason: DialogReason): string {
  return HANDOFF[reason] ?? HANDOFF.handoff_requested!;
}

export function recommendReply(products: readonly ProductHit[]): string {
  if (products.length === 0) return 'I could not find products to suggest right now.';
  const list = products.map((p) => (p.price !== null ? `${p.title} (${p.price})` : p.title));
  return `Here are some products you might like: ${list.join('; ')}.`;
}

const SMALL_TALK: Record<SmallTalk, string> = {
  greeting: 'Hello! How can I help you today?',
  thanks: 'Glad to help. Is there anything else I can do for you?',
  goodbye: 'Thank you for contacting us. Have a nice day!',
};

export function smallTalkReply(kind: SmallTalk): string {
  return SMALL_TALK[kind];
}
