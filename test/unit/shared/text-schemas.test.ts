import { describe, expect, it } from 'vitest';
import { entityId, isWellFormedUnicode } from '../../../shared/http/index.ts';
import { createSessionBody, messageBody } from '../../../services/chat/dialog/dialog.schema.ts';
import { userParams } from '../../../services/privacy/privacy.schema.ts';
import { postEventsBody } from '../../../services/recommend/catalog/catalog.schema.ts';

describe('isWellFormedUnicode', () => {
  it.each([
    ['plain', 'abc', true],
    ['a surrogate pair (emoji)', 'a😀b', true],
    ['a lone high surrogate', 'a\ud800b', false],
    ['a lone low surrogate', '\udc00', false],
    ['a high surrogate at the end', 'x\ud83d', false],
    ['two high surrogates then a low one', '\ud83d\ud83d\ude00', false],
  ])('%s', (_what, s, expected) => {
    expect(isWellFormedUnicode(s)).toBe(expected);
  });
});

describe('one user id rule for events, chat, export and erasure', () => {
  const accepts = (id: string) => ({
    events: postEventsBody.safeParse({ events: [{ user_id: id, item_id: 'i', type: 'view' }] }).success,
    session: createSessionBody.safeParse({ user_id: id }).success,
    message: messageBody(100).safeParse({ text: 'hi', user_id: id }).success,
    privacy: userParams.safeParse({ id }).success,
  });

  it.each(['u42', '  spaced  ', 'ü@example.com', '😀', 'a'.repeat(256)])('all accept %j', (id) => {
    expect(accepts(id)).toEqual({ events: true, session: true, message: true, privacy: true });
  });

  it.each(['', 'ctl\u0001user', 'lone\ud800', 'a'.repeat(257)])('all refuse %j', (id) => {
    expect(accepts(id)).toEqual({ events: false, session: false, message: false, privacy: false });
  });

  it('keeps an id as sent: chat does not trim what erasure would then not find', () => {
    expect(createSessionBody.parse({ user_id: '  spaced  ' }).user_id).toBe('  spaced  ');
    expect(entityId.parse('  spaced  ')).toBe('  spaced  ');
  });
});
