/** A message that is nothing but a greeting, thanks (or an acknowledgement) or a goodbye. */
export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

/** Words that may go with small talk without making it a request ("thank you so much", "hi there"). */
const FILLER = new Set(['so', 'much', 'very', 'a', 'lot', 'you', 'for', 'your', 'the', 'all', 'oh', 'well', 'and', 'again', 'there', 'guys', 'everyone', 'team', 'really', 'please', 'then']);

/** When one message holds several kinds, the one that says most about where the chat is. */
const PRECEDENCE: readonly SmallTalk[] = ['goodbye', 'thanks', 'greeting'];

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/**
 * Recognises small talk: a message made only of the configured phrases of each kind (comma-
 * separated) and a few filler words. Anything else in it (an order number, a question) makes
 * it a request, left to the intent model. Case and punctuation are ignored.
 * @example smallTalkMatcher({ greeting: 'hi,hello', thanks: 'thanks,thank you', goodbye: 'bye' })('Thank you so much!') // 'thanks'
 */
export function smallTalkMatcher(phrases: Record<SmallTalk, string>): (text: string) => SmallTalk | undefined {
  const list = (Object.entries(phrases) as Array<[SmallTalk, string]>)
    .flatMap(([kind, csv]) => csv.split(',').map((p) => ({ kind, words: words(p) })))
    .filter((p) => p.words.length > 0)
    // the longest phrase first: "thank you" before "thank"
    .sort((a, b) => b.words.length - a.words.length);
  return (text) => {
    const w = words(text);
    const found = new Set<SmallTalk>();
    for (let i = 0; i < w.length; ) {
      const hit = list.find((p) => p.words.every((x, j) => w[i + j] === x));
      if (hit) {
        found.add(hit.kind);
        i += hit.words.length;
      } else if (FILLER.has(w[i]!)) i++;
      else return undefined;
    }
    return PRECEDENCE.find((k) => found.has(k));
  };
}
