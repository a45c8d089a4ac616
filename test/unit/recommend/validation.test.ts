import { describe, expect, it } from 'vitest';
import { coordinateSearch } from '../../../services/recommend/models/coordinate-search.ts';
import { carveValidation } from '../../../services/recommend/models/validation-split.ts';
import { twoGroupMatrix } from './fixtures.ts';

describe('carveValidation', () => {
  const m = twoGroupMatrix();

  it('holds out part of every user, disjoint from the training part, reproducibly', () => {
    const a = carveValidation(m, { ratio: 0.75, seed: 5 });
    const b = carveValidation(m, { ratio: 0.75, seed: 5 });
    expect(a.train.nnz + a.users.reduce((s, u) => s + u.relevant.size, 0)).toBe(m.nnz);
    expect(a.users).toHaveLength(m.numUsers); // 7 entries each: 5 kept, 2 held out
    for (const u of a.users) {
      expect(u.history.items.length).toBe(5);
      expect(u.relevant.size).toBe(2);
      for (const i of u.history.items) {
        expect(u.relevant.has(i)).toBe(false);
        expect(u.skip[i]).toBe(1);
      }
    }
    expect(b.users.map((u) => [...u.relevant])).toEqual(a.users.map((u) => [...u.relevant]));
    const c = carveValidation(m, { ratio: 0.75, seed: 6 });
    expect(c.users.map((u) => [...u.relevant])).not.toEqual(a.users.map((u) => [...u.relevant]));
  });

  it('samples at most maxUsers users', () => {
    expect(carveValidation(m, { maxUsers: 7 }).users).toHaveLength(7);
  });
});

describe('coordinateSearch', () => {
  it('walks each axis to the best value and evaluates each setting once', () => {
    let calls = 0;
    const r = coordinateSearch({ x: 0, y: 0 }, { x: [-2, -1, 0, 1, 2], y: [0, 1, 2, 3] }, (p) => {
      calls++;
      return -((p.x! - 1) ** 2) - (p.y! - 2) ** 2;
    });
    expect(r.best).toEqual({ x: 1, y: 2 });
    expect(r.score).toBeCloseTo(0, 12);
    expect(calls).toBe(r.trials.length);
    expect(new Set(r.trials.map((t) => JSON.stringify(t.params))).size).toBe(calls);
  });
});
