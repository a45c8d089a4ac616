/**
 * Mulberry32: a small seeded generator of floats in [0, 1), so that splits, shuffles and
 * training runs are reproducible from one integer.
 * @example const rand = seededRandom(42); rand() // 0.6011…
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of `a[0..length)` in place. */
export function shuffleInPlace(a: { length: number; [i: number]: number }, rand: () => number, length = a.length): void {
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
