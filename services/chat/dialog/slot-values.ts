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
