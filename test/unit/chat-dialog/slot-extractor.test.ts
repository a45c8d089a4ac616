import { describe, expect, it } from 'vitest';
import { asksForSimilar, extractPatternSlots, parseAmount, productQuery, productSlot, type ProductHit } from '../../../services/chat/dialog/slot-extractor.ts';

describe('extractPatternSlots', () => {
  it.each([
    ['Where is my order #12345?', '12345'],
    ['where is order 3707955617', '3707955617'],
    ['order number: 555123', '555123'],
    ['my order no. 98765 is late', '98765'],
    ['Order ID 4587345 never came', '4587345'],
    ['cancel purchase 113542617735902', '113542617735902'],
    ['order #A1234B please', 'A1234B'],
    ['what about ORD-2024-0042?', 'ORD-2024-0042'],
    ['my reference is ord-77x1', 'ORD-77X1'],
    ['#24680 has not arrived', '24680'],
    ['The order number is 24680. can you track it', '24680'],
    ['my order is 12345', '12345'],
    ['the order was 98765 and it is late', '98765'],
    ['orders 12345 and 67890', '12345'],
    ['order #A-1234 please', 'A-1234'],
    ['order id AB-12345', 'AB-12345'],
  ])('finds the order number in %j', (text, expected) => {
    expect(extractPatternSlots(text).order_number).toBe(expected);
  });

  it.each(['I want to order 2 items', 'order 12', 'my order is late', 'my order is 3 days late', 'call me at 555', 'item #5', 'the order is in progress'])('finds no order number in %j', (text) => {
    expect(extractPatternSlots(text).order_number).toBeUndefined();
  });

  it('finds an e-mail address (lower-cased) and does not read its digits as an order number', () => {
    expect(extractPatternSlots('write to Jane.Doe+shop@Example.co.uk please')).toEqual({ email: 'jane.doe+shop@example.co.uk' });
    expect(extractPatternSlots('mail order12345@example.com')).toEqual({ email: 'order12345@example.com' });
    expect(extractPatternSlots('not an address: jane@localhost').email).toBeUndefined();
  });

  it.each([
    ['refund $19.99 please', { value: 19.99, currency: 'USD', text: '$19.99' }],
    ['it cost €1.299,50', { value: 1299.5, currency: 'EUR', text: '€1.299,50' }],
    ['£5 too much', { value: 5, currency: 'GBP', text: '£5' }],
    ['i paid 1499 dollars for this order', { value: 1499, currency: 'USD', text: '1499 dollars' }],
    ['charged 1,200.00 USD twice', { value: 1200, currency: 'USD', text: '1,200.00 USD' }],
    ['EUR 30 back', { value: 30, currency: 'EUR', text: 'EUR 30' }],
    ['reimburse 12 euros', { value: 12, currency: 'EUR', text: '12 euros' }],
  ])('finds the amount in %j', (text, amount) => {
    expect(extractPatternSlots(text).amount).toEqual(amount);
  });

  it('needs a currency to call a number an amount', () => {
    expect(extractPatternSlots('I waited 30 days for 2 parcels').amount).toBeUndefined();
  });

  it('finds all three in one message', () => {
    expect(extractPatternSlots('Order #12345 was charged $19.99, mail me at a@b.co')).toEqual({
      order_number: '12345',
      email: 'a@b.co',
      amount: { value: 19.99, currency: 'USD', text: '$19.99' },
    });
  });
});

describe('parseAmount', () => {
  it.each([
    ['1,499.00', 1499],
    ['1.499,00', 1499],
    ['12,50', 12.5],
    ['1 200', 1200],
    ['1,200', 1200],
    ['7', 7],
    ['0.5', 0.5],
  ])('%s → %d', (raw, value) => {
    expect(parseAmount(raw)).toBe(value);
  });
});

describe('productSlot', () => {
  const hit = (id: string, title: string, lexical = true): ProductHit => ({ id, title, category: null, price: null, lexical });
  const hits = [hit('shoe-1', 'Trail Running Shoe'), hit('mug-1', 'Coffee Mug'), hit('mug-2', 'Coffee Mug 2'), hit('dense-only', 'Espresso Cup', false)];

  it('takes the hit whose title the message names (numbers in titles aside; plurals count)', () => {
    expect(productSlot('is the coffee mug dishwasher safe?', hits, 0.75)).toEqual({ id: 'mug-1', title: 'Coffee Mug' });
    expect(productSlot('do the trail running shoes run small?', hits, 0.75)).toEqual({ id: 'shoe-1', title: 'Trail Running Shoe' });
  });

  it('needs enough of the title, and a lexical match', () => {
    expect(productSlot('can you recommend running shoes', hits, 0.75)).toBeUndefined();
    expect(productSlot('can you recommend running shoes', hits, 0.6)).toEqual({ id: 'shoe-1', title: 'Trail Running Shoe' });
    expect(productSlot('an espresso cup please', hits, 0.5)).toBeUndefined();
    expect(productSlot('anything', [], 0)).toBeUndefined();
  });

  it('never reads an e-mail address as a product name', () => {
    const johns = [hit('ml-1', 'Johns (1996)')];
    expect(productSlot('my email is john.doe@example.com', johns, 0.75)).toEqual({ id: 'ml-1', title: 'Johns (1996)' });
    expect(productSlot(productQuery('my email is john.doe@example.com'), johns, 0.75)).toBeUndefined();
    const q = productQuery('a@b.co, c.d@e.org and the Coffee Mug');
    expect(q).not.toMatch(/@|\bb\.co|e\.org/);
    expect(q).toContain('and the Coffee Mug');
  });
});

describe('asksForSimilar', () => {
  it.each(['something like Star Wars', 'anything similar to the Leather Boot?', 'alternatives to the Frying Pan', 'a film such as Alien', 'I like Fargo, what else?', 'what is like the mug but bigger'])(
    'is true for %j',
    (text) => expect(asksForSimilar(text)).toBe(true),
  );
  it.each(["I'd like a coffee mug", 'I’d like the boot', 'we would like a pan', 'likely the mug', 'unlike the boot', 'recommend a mug'])('is false for %j', (text) =>
    expect(asksForSimilar(text)).toBe(false),
  );
});
