import { placeholderKey } from '../kb/answer-template.ts';
import type { Slots } from './slot-extractor.ts';

/** Placeholder names (as `placeholderKey` writes them) that each slot fills. */
const SLOT_PLACEHOLDERS: Record<keyof Slots, readonly string[]> = {
  order_number: ['order number', 'order id', 'order', 'purchase id', 'purchase number'],
  email: ['customer email', 'customer email address', 'your email', 'your email address', 'email of the customer'],
  amount: ['amount', 'refund amount', 'order amount', 'money amount'],
  product: ['product', 'product name', 'item', 'item name'],
};

function slotValue(slot: keyof Slots, slots: Slots): string | undefined {
  switch (slot) {
    case 'order_number':
      return slots.order_number;
    case 'email':
      return slots.email;
    case 'amount':
      return slots.amount?.text;
    case 'product':
      return slots.product?.title;
  }
}

/**
 * What a placeholder of an answer becomes: the customer's own slot where one matches (order
 * number, e-mail, amount, product), else the shop-wide value (CHAT_TEMPLATE_VALUES).
 * @example placeholderValues({ order_number: '12345' }, {})('order number') // '12345'
 */
export function placeholderValues(slots: Slots, shopValues: Readonly<Record<string, string>>): (key: string) => string | undefined {
  const byKey = new Map<string, string>();
  for (const [name, value] of Object.entries(shopValues)) byKey.set(placeholderKey(name), value);
  for (const slot of Object.keys(SLOT_PLACEHOLDERS) as Array<keyof Slots>) {
    const value = slotValue(slot, slots);
    if (value !== undefined) for (const k of SLOT_PLACEHOLDERS[slot]) byKey.set(k, value);
  }
  return (key) => byKey.get(key);
}

/**
 * A turn's slots as the transcript stores them: a value its masked message no longer shows
 * (it was personal data) is masked too: an e-mail address as `[email]`, anything else as
 * `[redacted]`. The live session state keeps the values (the dialog needs them).
 * @example storedSlots({ email: 'jo@example.com', order_number: '123' }, 'order 123, mail [email]', true) // { email: '[email]', order_number: '123' }
 */
export function storedSlots(slots: Slots, maskedText: string, masking: boolean): Slots {
  if (!masking) return slots;
  const squash = (t: string) => t.toLowerCase().replace(/\s+/g, '');
  const shown = squash(maskedText);
  const keep = (value: string, placeholder: string) => (shown.includes(squash(value)) ? value : placeholder);
  const out: Slots = { ...slots };
  if (out.email !== undefined) out.email = keep(out.email, '[email]');
  if (out.order_number !== undefined) out.order_number = keep(out.order_number, '[redacted]');
  if (out.amount) out.amount = { ...out.amount, text: keep(out.amount.text, '[redacted]') };
  return out;
}
