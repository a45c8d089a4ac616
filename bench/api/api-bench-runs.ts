import os from 'node:os';
import type { RouteFigures } from './api-bench.ts';

/** One bench run's route figures, with the machine's load averages (1, 5, 15 min) around it. */
export interface ApiBenchRun {
  routes: Record<string, RouteFigures>;
  load: { before: number[]; after: number[] };
}

/** A route over several runs: medians of the rates and latencies, totals of the counts. */
export interface RouteSummary extends RouteFigures {
  /** p99 ÷ p50 of the medians: how heavy the tail is (queueing at a fixed concurrency gives about 1–2). */
  p99_over_p50: number;
  /** p99 ÷ its target, where the route has one (≤ 1 meets it). */
  p99_over_target?: number;
  /** Each run's p99, in run order. */
  p99_runs: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The 1, 5 and 15 minute load averages, rounded: a bench on a shared machine says how busy it was. */
export function loadAverage(): number[] {
  return os.loadavg().map((x) => round(x));
}

/**
 * Medians over runs per route (figures on a shared 2-core machine move by ±30 % from run to
 * run), the tail ratio, and p99 against the target of the routes that have one.
 *
 * @example summariseRuns(runs, { recommendations: 50, recommendations_cold: 50 })
 */
export function summariseRuns(runs: readonly ApiBenchRun[], p99TargetsMs: Record<string, number>): Record<string, RouteSummary> {
  const names = Object.keys(runs[0]?.routes ?? {});
  return Object.fromEntries(
    names.map((name) => {
      const figures = runs.map((r) => r.routes[name]!);
      const med = (key: keyof RouteFigures) => round(median(figures.map((f) => f[key])));
      const sum = (key: keyof RouteFigures) => figures.reduce((s, f) => s + f[key], 0);
      const p50 = med('p50_ms');
      const p99 = med('p99_ms');
      const target = p99TargetsMs[name];
      const summary: RouteSummary = {
        requests_per_s: med('requests_per_s'),
        p50_ms: p50,
        p90_ms: med('p90_ms'),
        p99_ms: p99,
        max_ms: med('max_ms'),
        requests: sum('requests'),
        errors: sum('errors'),
        non_2xx: sum('non_2xx'),
        cpu_steal_pct: med('cpu_steal_pct'),
        p99_over_p50: p50 > 0 ? round(p99 / p50) : 0,
        ...(target ? { p99_over_target: round(p99 / target) } : {}),
        p99_runs: figures.map((f) => f.p99_ms),
      };
      return [name, summary];
    }),
  );
}
