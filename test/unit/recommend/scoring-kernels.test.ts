import { describe, expect, it } from 'vitest';
import { EaseModel } from '../../../services/recommend/models/ease.ts';
import { addHistoryTerms } from '../../../services/recommend/models/ials-fold-in.ts';
import { IalsModel } from '../../../services/recommend/models/ials.ts';
import { ItemCooccurrenceModel } from '../../../services/recommend/models/item-cooccurrence.ts';
import { seededRandom } from '../../../services/recommend/models/seeded-random.ts';
import { historyOf, type UserHistory } from '../../../services/recommend/models/user-history.ts';

// The scoring loops are unrolled over several history items (or items) at a time for speed;
// each score must still be the one a plain loop gives, to the bit, so that serving and the
// evaluation figures do not move. The references below are the plain loops.

const rng = seededRandom(11);
const N = 37;
const D = 9;

/** Histories of every length from 0 to 21 (all the remainders of the unrolled loops), weights 1–3, repeats allowed. */
const histories: UserHistory[] = Array.from({ length: 22 }, (_, m) =>
  historyOf(
    Array.from({ length: m }, () => Math.floor(rng.next() * N)),
    Array.from({ length: m }, () => 1 + Math.floor(rng.next() * 3)),
  ),
);

const bits = (a: Float32Array | Float64Array) => Array.from(a, (x) => (Object.is(x, -0) ? '-0' : String(x)));

function easeReference(weights: Float32Array, h: UserHistory): Float32Array {
  const out = new Float32Array(N);
  for (let k = 0; k < h.items.length; k++) {
    const w = h.weights[k]!;
    const row = h.items[k]! * N;
    for (let j = 0; j < N; j++) out[j] = out[j]! + w * weights[row + j]!;
  }
  return out;
}

function termsReference(a: Float64Array, b: Float64Array, hf: Float32Array, h: UserHistory): void {
  for (let k = 0; k < h.items.length; k++) {
    const c = h.weights[k]!;
    const o = h.items[k]! * D;
    for (let x = 0; x < D; x++) {
      const hx = c * hf[o + x]!;
      b[x]! += hx;
      for (let y = 0; y <= x; y++) a[x * D + y]! += hx * hf[o + y]!;
    }
  }
}

describe('unrolled scoring loops', () => {
  it('EASE sums history rows exactly as one row at a time does', () => {
    const weights = Float32Array.from({ length: N * N }, () => rng.normal());
    const ease = new EaseModel(N, weights, { lambda: 1, dropout: 0 });
    const out = new Float32Array(N);
    for (const h of histories) {
      ease.score(h, out);
      expect(bits(out)).toEqual(bits(easeReference(weights, h)));
    }
  });

  it('the iALS fold-in adds history terms exactly as one item at a time does', () => {
    const hf = Float32Array.from({ length: N * D }, () => rng.normal());
    const start = Float64Array.from({ length: D * D }, () => rng.normal());
    for (const h of histories) {
      const a = start.slice();
      const b = new Float64Array(D);
      addHistoryTerms(a, b, hf, D, h);
      const ra = start.slice();
      const rb = new Float64Array(D);
      termsReference(ra, rb, hf, h);
      expect(bits(a)).toEqual(bits(ra));
      expect(bits(b)).toEqual(bits(rb));
    }
  });

  it('iALS scores every item as a plain dot product with the folded-in user', () => {
    const hf = Float32Array.from({ length: N * D }, () => rng.normal() * 0.3);
    const ials = new IalsModel(N, hf, { factors: D, regularization: 0.01, unobservedWeight: 0.1, regExponent: 1 });
    const out = new Float32Array(N);
    for (const h of histories) {
      ials.score(h, out);
      const u = ials.foldIn(h);
      const expected = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let x = 0; x < D; x++) s += hf[i * D + x]! * u[x]!;
        expected[i] = s;
      }
      expect(bits(out)).toEqual(bits(expected));
    }
  });

  it('folding in twice gives the same user (the scratch system is reset)', () => {
    const hf = Float32Array.from({ length: N * D }, () => rng.normal() * 0.3);
    const ials = new IalsModel(N, hf, { factors: D, regularization: 0.01, unobservedWeight: 0.1, regExponent: 1 });
    const first = bits(ials.foldIn(histories[9]!));
    ials.foldIn(histories[17]!);
    expect(bits(ials.foldIn(histories[9]!))).toEqual(first);
  });

  it('co-occurrence adds neighbour rows as before', () => {
    const indptr = Int32Array.from({ length: N + 1 }, (_, i) => i * 3);
    const neighbours = Int32Array.from({ length: N * 3 }, () => Math.floor(rng.next() * N));
    const weights = Float32Array.from({ length: N * 3 }, () => rng.next());
    const cooc = new ItemCooccurrenceModel(N, indptr, neighbours, weights);
    const out = new Float32Array(N);
    for (const h of histories) {
      cooc.score(h, out);
      const expected = new Float32Array(N);
      for (let k = 0; k < h.items.length; k++) {
        const i = h.items[k]!;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) expected[neighbours[p]!]! += h.weights[k]! * weights[p]!;
      }
      expect(bits(out)).toEqual(bits(expected));
    }
  });
});
