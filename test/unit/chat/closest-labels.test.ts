import { describe, expect, it } from 'vitest';
import { closestLabels } from '../../../services/chat/feedback/closest-labels.ts';

const KNOWN = ['track_order', 'cancel_order', 'get_refund', 'refund_policy', 'change_shipping_address'];

describe('closestLabels', () => {
  it('finds the label a typo meant, nearest first', () => {
    expect(closestLabels('track_ordr', KNOWN)).toEqual(['track_order']);
    expect(closestLabels('Cancel_Order', KNOWN)).toEqual(['cancel_order']);
  });

  it('finds labels that contain a fragment, or that it contains', () => {
    expect(closestLabels('refund', KNOWN)).toEqual(['get_refund', 'refund_policy']);
    expect(closestLabels('change_shipping_address_now', KNOWN)).toEqual(['change_shipping_address']);
  });

  it('suggests nothing for a label unlike any known one, and at most `max`', () => {
    expect(closestLabels('warranty_claim', KNOWN)).toEqual([]);
    expect(closestLabels('order', KNOWN, 1)).toHaveLength(1);
  });
});
