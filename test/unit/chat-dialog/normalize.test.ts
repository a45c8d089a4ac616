import { describe, expect, it } from 'vitest';
import { listOf, normalizeMessage, phraseMatcher, withoutPhrases } from '../../../services/chat/dialog/normalize.ts';
import { suggestionQuery } from '../../../services/chat/dialog/slot-extractor.ts';

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

describe('phraseMatcher with plural suffixes only (the hand-off phrases)', () => {
  const m = phraseMatcher('human,real person,agent', 'plural');
  it('takes a plural but not another word that starts like the phrase', () => {
    expect(m('can I talk to one of your agents')).toBe(true);
    expect(m('a real person please')).toBe(true);
    expect(m('can I get a real personalised gift card')).toBe(false);
    expect(m('humanity is great')).toBe(false);
    expect(m('AGENT!')).toBe(true);
  });
});

describe('withoutPhrases', () => {
  const strip = withoutPhrases('recommend,suggest,any ideas,what should i buy');
  // spaces collapsed: where a phrase was, there is a space
  const stripped = (text: string) => strip(text).replace(/\s+/g, ' ').trim();
  it('takes out every phrase phraseMatcher finds, suffix included, and leaves the rest', () => {
    expect(stripped('Any ideas? Can you SUGGEST shoes, or recommend boots?')).toBe('? Can you shoes, or boots?');
    expect(stripped('what should I buy for my dad')).toBe('for my dad');
    expect(stripped('a recommendation letter')).toBe('a letter');
    expect(strip('nothing to take out')).toBe('nothing to take out');
    expect(withoutPhrases('')('as is')).toBe('as is');
  });
});

describe('suggestionQuery', () => {
  const strip = withoutPhrases('recommend,suggest,any ideas');
  it('keeps what the request asks for, without its words of asking', () => {
    expect(suggestionQuery('Can you recommend something like Star Wars?', strip)).toBe('star war');
    expect(suggestionQuery('could you suggest some running shoes please', strip)).toBe('running shoe');
    expect(suggestionQuery('can you suggest a watering can', strip)).toBe('watering');
    expect(suggestionQuery('recommend a gift for john.doe@example.com', strip)).toBe('gift');
  });
  it('is empty when only asking is left', () => {
    expect(suggestionQuery('Can you recommend something good?', strip)).toBe('');
    expect(suggestionQuery('any ideas?', strip)).toBe('');
  });
});

describe('listOf', () => {
  it('splits a comma-separated list, trimming and dropping blanks', () => {
    expect([...listOf(' a, b ,,c ')]).toEqual(['a', 'b', 'c']);
    expect(listOf('').size).toBe(0);
  });
});
