import type { LabelledExample } from '../../../services/chat/classify/index.ts';

/** A small hand-written intent set: four intents with distinct vocabulary, twelve texts each. */
export function toyIntents(): LabelledExample[] {
  const templates: Record<string, string[]> = {
    card_lost: ['i lost my card', 'my card was stolen', 'cannot find my card anywhere', 'someone stole my wallet and card', 'card missing please block it', 'lost card what do i do'],
    refund: ['i want a refund', 'give me my money back', 'how do i get a refund', 'refund my order please', 'return the item and refund me', 'where is my refund'],
    balance: ['what is my balance', 'how much money is in my account', 'show my account balance', 'check balance', 'balance please', 'tell me my current balance'],
    greeting: ['hello there', 'hi', 'good morning', 'hey how are you', 'hello', 'hi there good evening'],
  };
  const out: LabelledExample[] = [];
  for (const [label, texts] of Object.entries(templates)) {
    for (const t of texts) out.push({ text: t, label }, { text: `${t}!`, label });
  }
  return out;
}

/** A deterministic stand-in for an encoder: a bag of hashed characters, 16 dimensions. */
export async function fakeEmbed(texts: string[]): Promise<Float32Array[]> {
  return texts.map((t) => {
    const v = new Float32Array(16);
    for (let i = 0; i < t.length; i++) v[(t.charCodeAt(i) * 7) % 16]! += 1;
    return v;
  });
}
