import { describe, expect, it } from 'vitest';
import { IalsModel } from '../../../services/recommend/models/ials.ts';
import { historyOf } from '../../../services/recommend/models/user-history.ts';
import { twoGroupMatrix } from './fixtures.ts';

describe('IalsModel', () => {
  const m = twoGroupMatrix();
  const options = { factors: 8, regularization: 0.01, unobservedWeight: 0.1, epochs: 10, seed: 3 };

  it('reduces its training loss every epoch', () => {
    const losses: number[] = [];
    const model = IalsModel.train(m, { ...options, onEpoch: (_e, loss) => losses.push(loss) });
    expect(losses).toHaveLength(10);
    expect(model.losses).toEqual(losses);
    for (let e = 1; e < losses.length; e++) expect(losses[e]!).toBeLessThanOrEqual(losses[e - 1]! * (1 + 1e-9));
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
  });

  it('is deterministic for a seed', () => {
    const a = IalsModel.train(m, options);
    const b = IalsModel.train(m, options);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
  });

  it('folds in a new history and ranks its group first', () => {
    const model = IalsModel.train(m, options);
    const out = new Float32Array(m.numItems);
    model.score(historyOf(['b1', 'b2', 'b3'].map((id) => m.itemIndex(id)!)), out);
    const meanOf = (ids: string[]) => ids.reduce((s, id) => s + out[m.itemIndex(id)!]!, 0) / ids.length;
    expect(meanOf(['b4', 'b5', 'b6', 'b7'])).toBeGreaterThan(meanOf(['a4', 'a5', 'a6', 'a7']));
  });

  it('folds in by solving the user’s least-squares system exactly', () => {
    const model = IalsModel.train(m, options);
    const history = historyOf([1, 4, 9]);
    const w = model.foldIn(history);
    // gradient of the user's loss at w: (α₀HᵀH + Σ h hᵀ + reg·I)w − Σ h must vanish
    const d = options.factors;
    const h = model.itemFactors;
    const reg = options.regularization * (3 + options.unobservedWeight * m.numItems);
    for (let a = 0; a < d; a++) {
      let g = reg * w[a]!;
      for (let i = 0; i < m.numItems; i++) {
        let dot = 0;
        for (let b = 0; b < d; b++) dot += h[i * d + b]! * w[b]!;
        g += options.unobservedWeight * h[i * d + a]! * dot;
      }
      for (const i of history.items) {
        let dot = 0;
        for (let b = 0; b < d; b++) dot += h[i * d + b]! * w[b]!;
        g += h[i * d + a]! * (dot - 1);
      }
      expect(Math.abs(g)).toBeLessThan(1e-4);
    }
  });
});
