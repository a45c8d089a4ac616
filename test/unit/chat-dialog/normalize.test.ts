import { describe, expect, it } from 'vitest';
import { listOf, normalizeMessage, phraseMatcher } from '../../../services/chat/dialog/normalize.ts';

describe('normalizeMessage', () => {
  it('folds Unicode forms, quotes, dashes, control characters and spacing', () => {
    expect(normalizeMessage('  Where’s\u00a0my  order？ ')).toBe("Where's my order?");
    expect(normalizeMessage('ＯＲＤ－１２３\u200b4')).toBe('ORD-123 4');
    expect(normalizeMessage('line one\r\nline\ttwo')).toBe('line one line two');
    expect(normalizeMessage('\u0000\u0007')).toBe('');
  });
});

describe('phraseMatcher', () => {
  const m = phraseMatcher('human, real person ,suggest,what should i buy');
  it('matches whole words, case-insensitively, a suffix on the last word allowed', () => {
    expect(m('Can I talk to a HUMAN?')).toBe(true);
    expect(m('a real   person please')).toBe(true);
    expect(m('any suggestions?')).toBe(true);
    expect(m('what should I buy for her')).toBe(true);
  });
  it('does not match inside other words or partial phrases', () => {
    expect(m('inhuman treatment')).toBe(false);
    expect(m('a real answer from a person')).toBe(false);
    expect(m('what should we do')).toBe(false);
  });
  it('matches nothing for an empty list and escapes regex characters', () => {
    expect(phraseMatcher(' , ')('anything')).toBe(false);
    expect(phraseMatcher('c++')('I code in c++ daily')).toBe(true);
    expect(phraseMatcher('c++')('I code in c daily')).toBe(false);
  });
});

describe('listOf', () => {
  it('splits a comma-separated list, trimming and dropping blanks', () => {
    expect([...listOf(' a, b ,,c ')]).toEqual(['a', 'b', 'c']);
    expect(listOf('').size).toBe(0);
  });
});
