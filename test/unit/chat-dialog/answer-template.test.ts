import { describe, expect, it } from 'vitest';
import { placeholderValues } from '../../../services/chat/dialog/slot-values.ts';
import { fillTemplate, placeholderKey, templateSlots } from '../../../services/chat/kb/answer-template.ts';

describe('answer templates', () => {
  const answer = 'Order {{Order Number Anonymized}} ships from {{ Website Name }}; see {{Order Tracking}}. Again: {{Order Number Anonymized}}.';

  it('lists each placeholder once, in order', () => {
    expect(templateSlots(answer)).toEqual(['Order Number Anonymized', 'Website Name', 'Order Tracking']);
    expect(templateSlots('no slots {here}')).toEqual([]);
    expect(templateSlots('blank {{ }} and {{}} name nothing; {{ b c }} does')).toEqual(['b c']);
  });

  it('compares placeholder names without case, spacing or the Anonymized marker', () => {
    expect(placeholderKey(' Order  Number Anonymized')).toBe('order number');
    expect(placeholderKey('Customer_Email')).toBe('customer email');
  });

  it('fills what it knows and leaves the rest as written', () => {
    const out = fillTemplate(answer, (key) => ({ 'order number': '12345', 'website name': 'shop.example' })[key]);
    expect(out).toEqual({
      text: 'Order 12345 ships from shop.example; see {{Order Tracking}}. Again: 12345.',
      filled: ['Order Number Anonymized', 'Website Name'],
      unfilled: ['Order Tracking'],
    });
  });

  it('fills from the customer’s slots first, then from the shop’s values', () => {
    const valueOf = placeholderValues(
      { order_number: 'ORD-9', email: 'a@b.co', amount: { value: 5, currency: 'GBP', text: '£5' }, product: { id: 'm', title: 'Coffee Mug' } },
      { 'Website Name': 'shop.example', 'Order Number': 'never used: the slot wins' },
    );
    const out = fillTemplate('{{Order ID}} {{Purchase Number Anonymized}} {{Customer Email}} {{Refund Amount}} {{Product Name}} {{website name}} {{Customer Support Email}}', valueOf);
    expect(out.text).toBe('ORD-9 ORD-9 a@b.co £5 Coffee Mug shop.example {{Customer Support Email}}');
    // the support's e-mail placeholder is not the customer's address
    expect(out.unfilled).toEqual(['Customer Support Email']);
  });
});
