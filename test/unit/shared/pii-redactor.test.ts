import { describe, expect, it } from 'vitest';
import { createRedactor, ibanValid, luhnValid, parsePiiKinds, redactPii } from '../../../shared/privacy/pii-redactor.ts';

describe('luhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4012888888881881', '79927398713'])('%s passes', (n) => {
    expect(luhnValid(n)).toBe(true);
  });
  it.each(['4111111111111112', '1234567812345678', '79927398710', '', '12a4'])('%s fails', (n) => {
    expect(luhnValid(n)).toBe(false);
  });
});

describe('redactPii: e-mail addresses', () => {
  it.each([
    ['write to jane.doe@example.com please', 'write to [email] please'],
    ['Jane.Doe+shop@Mail.Example.co.uk', '[email]'],
    ['<jo_99@sub-domain.example.org>', '<[email]>'],
    ['two: a@b.io, c.d@e.fr.', 'two: [email], [email].'],
    ['unicode: émile@exemple.fr', 'unicode: [email]'],
  ])('%s', (text, masked) => expect(redactPii(text)).toBe(masked));

  it.each(['user@localhost', 'meet @ 5pm', 'the @ sign', 'twitter @handle'])('leaves %s alone', (text) => expect(redactPii(text)).toBe(text));
});

describe('redactPii: card numbers (13–19 digits, Luhn-valid)', () => {
  it.each([
    ['card 4111 1111 1111 1111 expired', 'card [card] expired'],
    ['4111-1111-1111-1111', '[card]'],
    ['my card is 4111111111111111.', 'my card is [card].'],
    ['amex 3782 822463 10005', 'amex [card]'],
    ['visa 4012888888881881 and mc 5555 5555 5555 4444', 'visa [card] and mc [card]'],
    ['charged twice on 5555555555554444!', 'charged twice on [card]!'],
    // a card followed by more digits in the same run
    ['4111 1111 1111 1111 1234', '[card] 1234'],
    // any way of splitting the groups
    ['card 4111.1111.1111.1111', 'card [card]'],
    ['card 4111/1111/1111/1111', 'card [card]'],
    ['card 4111  1111  1111  1111', 'card [card]'],
    ['card 4111 - 1111 - 1111 - 1111', 'card [card]'],
    ['card 4111\t1111\t1111\t1111', 'card [card]'],
    ['card\n4111\n1111\n1111\n1111', 'card\n[card]'],
  ])('%j', (text, masked) => expect(redactPii(text)).toBe(masked));

  it.each([
    // fails the Luhn check (and too long for a phone number)
    'card 4111 1111 1111 1112',
    '1234 5678 1234 5678',
    // glued to a code
    'ref ABC-4111111111111111',
  ])('leaves %s alone', (text) => expect(redactPii(text)).toBe(text));

  it('takes a run of 12 digits for no card (it may still be a phone number)', () => {
    expect(redactPii('4111 1111 1111')).not.toContain('[card]');
  });
});

describe('redactPii: bank account numbers (IBAN, mod-97 checked)', () => {
  it.each([
    ['refund to DE89 3704 0044 0532 0130 00 please', 'refund to [iban] please'],
    ['iban: DE89370400440532013000.', 'iban: [iban].'],
    ['GB29 NWBK 6016 1331 9268 19', '[iban]'],
    ['gb29 nwbk 6016 1331 9268 19 thanks', '[iban] thanks'],
    ['FR14 2004 1010 0505 0001 3M02 606', '[iban]'],
  ])('%j', (text, masked) => expect(redactPii(text)).toBe(masked));

  it('checks the check digits', () => {
    expect(ibanValid('GB29NWBK60161331926819')).toBe(true);
    expect(ibanValid('GB28NWBK60161331926819')).toBe(false);
    expect(redactPii('GB28 NWBK 6016 1331 9268 19')).not.toContain('[iban]');
  });
});

describe('redactPii: phone numbers', () => {
  it.each([
    ['call me on +44 7700 900123', 'call me on [phone]'],
    ['+1 (555) 123-4567', '[phone]'],
    ['+33 1 23 45 67 89 tonight', '[phone] tonight'],
    ['+4915112345678', '[phone]'],
    ['(555) 123-4567', '[phone]'],
    ['555-123-4567', '[phone]'],
    ['555.123.4567', '[phone]'],
    ['020 7946 0958', '[phone]'],
    ['07700 900123', '[phone]'],
    ['ring 555 1234 after six', 'ring [phone] after six'],
    ['5551234567', '[phone]'],
    ['my mobile is 0612345678', 'my mobile is [phone]'],
    ['phone: 1234567', 'phone: [phone]'],
    ['call me at 612 345 678', 'call me at [phone]'],
    ['numbers: 555-123-4567, 020 7946 0958.', 'numbers: [phone], [phone].'],
  ])('%s', (text, masked) => expect(redactPii(text)).toBe(masked));

  it.each([
    // order numbers and references
    'order ORD-123456 is late',
    'I want to cancel order ORD-2024-0042',
    'order 12345678',
    'order number: 5551234567',
    'my order number is 2024-0042',
    'where is order #5551234567?',
    'tracking 1Z999AA10123456784',
    'invoice no. 555 123 4567',
    // short numbers, amounts, dates, times, versions
    'I bought 3 items for 25 dollars',
    'order 12345 had 2 items',
    'refund $1 299 000 please',
    'it cost 1 299 000 EUR',
    '12.345.678',
    'delivered on 2024-06-01',
    'on 01-06-2024 at 10:30',
    'version 1.2.3',
    'room 1234',
    'code 123456',
  ])('leaves %s alone', (text) => expect(redactPii(text)).toBe(text));
});

describe('redactPii: postal addresses', () => {
  it.each([
    ['I live at 12 Baker Street, London', 'I live at [address], London'],
    ['221B Baker St', '[address]'],
    ['send it to 1600 Pennsylvania Avenue NW please', 'send it to [address] please'],
    ['42 wallaby way rd', '[address]'],
    ['deliver to 4 Ashdown Close', 'deliver to [address]'],
    ['12 rue de la Paix', '[address]'],
    ['12 rue de la Paix, Paris', '[address], Paris'],
    ['Hauptstraße 5, Berlin', '[address], Berlin'],
    ['London NW1 6XE', 'London [address]'],
    ['SW1A 1AA', '[address]'],
    ['Springfield, IL 62704', 'Springfield, [address]'],
    ['New York, NY 10001-1234', 'New York, [address]'],
    ['PO Box 1234', '[address]'],
  ])('%s', (text, masked) => expect(redactPii(text)).toBe(masked));

  it.each([
    'I ordered 2 books on the way home',
    'it is 5 minutes drive from here',
    'I need 3 of them by the end of the street',
    'order 12345 please',
    'the close button',
    'b2 3rd floor',
    'size 10 shoes',
  ])('leaves %s alone', (text) => expect(redactPii(text)).toBe(text));
});

describe('redactPii: kinds, mixtures, idempotence', () => {
  const message = 'Cancel ORD-2024-0042: mail jane@example.com, call +44 20 7946 0958, card 4111 1111 1111 1111, 12 Baker Street';

  it('masks all kinds and keeps the order code', () => {
    expect(redactPii(message)).toBe('Cancel ORD-2024-0042: mail [email], call [phone], card [card], [address]');
  });

  it('masks only the kinds asked for', () => {
    expect(redactPii(message, ['email', 'card'])).toBe('Cancel ORD-2024-0042: mail [email], call +44 20 7946 0958, card [card], 12 Baker Street');
    expect(createRedactor([])(message)).toBe(message);
  });

  it('is idempotent', () => {
    const once = redactPii(message);
    expect(redactPii(once)).toBe(once);
  });

  it('sees through look-alike characters: no-break spaces, full-width digits and ＠, Unicode dashes', () => {
    expect(redactPii('my card is 4111\u00a01111\u00a01111\u00a01111')).toBe('my card is [card]');
    expect(redactPii('card ４１１１１１１１１１１１１１１１ please refund')).toBe('card [card] please refund');
    expect(redactPii('call me on +33\u00a06\u00a012\u00a034\u00a056\u00a078')).toBe('call me on [phone]');
    expect(redactPii('phone 555\u2013123\u20134567')).toBe('phone [phone]');
    expect(redactPii('email jo＠example.com about refund')).toBe('email [email] about refund');
    // invisible format characters: zero-width space, soft hyphen
    expect(redactPii('card 4111\u200b1111\u200b1111\u200b1111')).toBe('card [card]');
    expect(redactPii('card 4111\u00ad1111 1111 1111')).toBe('card [card]');
    expect(redactPii('mail jo\u200b@example.com')).toBe('mail [email]');
    // nothing to mask: the text comes back exactly as written, look-alikes and all
    for (const t of ['café ＡＢＣ\u00a0–\u00a0fine', 'ﬁne ２ cups']) expect(redactPii(t)).toBe(t);
    const once = redactPii('card ４１１１１１１１１１１１１１１１');
    expect(redactPii(once)).toBe(once);
  });

  it('leaves a date and a time alone', () => {
    for (const t of ['delivered 2024-06-01 10:30', '2024-06-01 10:30:00', 'on 01.06.2024 10:30', 'delivery window 2024-06-03 14:00-16:00', 'order ORD-2024-0042 placed 2024-06-01 09:15']) {
      expect(redactPii(t)).toBe(t);
    }
  });

  it('leaves text without personal data unchanged', () => {
    for (const t of ['where is my order', 'I want a refund of $19.99 for the Coffee Mug', 'Order #12345 was charged $19.99', '']) expect(redactPii(t)).toBe(t);
  });
});

describe('redactPii on long hostile text', () => {
  // a pattern that backtracks quadratically takes many seconds on 100,000 characters; every
  // pattern here is linear (a few hundred ms at most, even on a busy machine)
  it.each(['a', '1', '1 ', 'ab-', 'a.', '1.', '12-', 'a@', 'a@b.', '+1 ', '(1)', '1 rue ', '12 Baker ', '%1'])('%j × 100,000 characters', (unit) => {
    const text = unit.repeat(Math.ceil(100_000 / unit.length));
    const started = performance.now();
    redactPii(text);
    expect(performance.now() - started).toBeLessThan(4000);
  });
});

describe('parsePiiKinds', () => {
  it('reads a comma-separated list, none/off as nothing', () => {
    expect(parsePiiKinds('email, phone,card,address')).toEqual(['email', 'phone', 'card', 'address']);
    expect(parsePiiKinds('iban')).toEqual(['iban']);
    expect(parsePiiKinds('EMAIL,email')).toEqual(['email']);
    expect(parsePiiKinds('none')).toEqual([]);
    expect(parsePiiKinds('off')).toEqual([]);
  });
  it('refuses unknown kinds', () => {
    expect(() => parsePiiKinds('email,ssn')).toThrow(/ssn/);
  });
});
