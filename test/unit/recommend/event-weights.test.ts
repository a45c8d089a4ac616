import { describe, expect, it } from 'vitest';
import { EVENT_WEIGHTS, eventWeight, RATING_MIDPOINT } from '../../../services/recommend/training/event-weights.ts';

describe('eventWeight', () => {
  it('weighs a rating by its stars: more for loved items, never nothing for disliked ones', () => {
    const stars = [1, 2, 3, 4, 5].map((v) => eventWeight('rating', v));
    for (let s = 1; s < stars.length; s++) expect(stars[s]).toBeGreaterThan(stars[s - 1]!);
    expect(eventWeight('rating', RATING_MIDPOINT)).toBe(1);
    expect(eventWeight('rating', 5)).toBeCloseTo(1.1875, 10);
    expect(eventWeight('rating', 1)).toBeCloseTo(0.6875, 10);
  });

  it('keeps any value a client sends within bounds, and a rating without a usable value at 1', () => {
    expect(eventWeight('rating', 1e6)).toBe(1.5);
    expect(eventWeight('rating', -1e6)).toBe(0.5);
    expect(eventWeight('rating', null)).toBe(1);
    expect(eventWeight('rating', undefined)).toBe(1);
    expect(eventWeight('rating', Number.NaN)).toBe(1);
  });

  it('leaves the other event types at their fixed weights, whatever their value', () => {
    for (const type of ['view', 'cart', 'purchase'] as const) {
      expect(eventWeight(type, 5)).toBe(EVENT_WEIGHTS[type]);
      expect(eventWeight(type)).toBe(EVENT_WEIGHTS[type]);
    }
  });
});
