/** Numeric hyper-parameters of one source, by name. */
export type Params = Record<string, number>;

export interface SearchTrial {
  params: Params;
  score: number;
  seconds: number;
}

export interface SearchResult {
  best: Params;
  score: number;
  trials: SearchTrial[];
}

/**
 * Deterministic coordinate ascent over a small grid: from `start`, each parameter in
 * turn takes the value of its list that scores best with the others fixed; passes repeat until
 * one changes nothing (or `rounds` passes). Each distinct setting is evaluated once.
 *
 * @example coordinateSearch({ lambda: 200 }, { lambda: [50, 100, 200, 400] }, (p) => validate(p))
 */
export function coordinateSearch(start: Params, space: Record<string, readonly number[]>, evaluate: (p: Params) => number, rounds = 2): SearchResult {
  const trials: SearchTrial[] = [];
  const seen = new Map<string, number>();
  const score = (p: Params): number => {
    const key = JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
    const known = seen.get(key);
    if (known !== undefined) return known;
    const t0 = performance.now();
    const s = evaluate(p);
    trials.push({ params: { ...p }, score: s, seconds: (performance.now() - t0) / 1000 });
    seen.set(key, s);
    return s;
  };
  let best = { ...start };
  let bestScore = score(best);
  for (let round = 0; round < rounds; round++) {
    let changed = false;
    for (const [name, values] of Object.entries(space)) {
      for (const v of values) {
        if (v === best[name]) continue;
        const p = { ...best, [name]: v };
        const s = score(p);
        if (s > bestScore + 1e-9) {
          best = p;
          bestScore = s;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { best, score: bestScore, trials };
}
