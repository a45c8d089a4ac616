import { describe, expect, it } from 'vitest';
import { smallTalkMatcher } from '../../../services/chat/dialog/small-talk.ts';
import { loadConfig } from '../../../shared/config/index.ts';

describe('smallTalkMatcher', () => {
  const config = loadConfig({}, {});
  const kind = smallTalkMatcher({ greeting: config.CHAT_SMALL_TALK_GREETINGS, thanks: config.CHAT_SMALL_TALK_THANKS, goodbye: config.CHAT_SMALL_TALK_GOODBYES });

  it.each([
    ['hello', 'greeting'],
    ['Hi there!', 'greeting'],
    ['hi, I need help', 'greeting'],
    ['Good morning team', 'greeting'],
    ['ok thanks', 'thanks'],
    ['Thank you so much!!', 'thanks'],
    ['great, thx', 'thanks'],
    ['no thanks, bye', 'goodbye'],
    ["That's all, thank you", 'goodbye'],
  ])('%s → %s', (text, expected) => {
    expect(kind(text)).toBe(expected);
  });

  it.each(['hi, where is my order?', 'thanks, and what about order 12345', 'hello I want a refund', 'you', '', '🙂', 'helpful'])('leaves "%s" to the intent model', (text) => {
    expect(kind(text)).toBeUndefined();
  });

  it('matches only the configured phrases, an empty list none', () => {
    const only = smallTalkMatcher({ greeting: 'howdy', thanks: '', goodbye: 'so long' });
    expect(only('Howdy!')).toBe('greeting');
    expect(only('so long then')).toBe('goodbye');
    expect(only('thanks')).toBeUndefined();
    expect(only('hello')).toBeUndefined();
  });
});
