/** Latency summary in milliseconds. */
export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export function summarize(samplesMs: number[]): Latency {
  const s = [...samplesMs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { p50: round(q(0.5)), p90: round(q(0.9)), p99: round(q(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

/**
 * Closed-loop load: `concurrency` callers each take the next job until `total` are done.
 * Returns the wall time and each call's latency.
 */
export async function closedLoop(total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<{ seconds: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now();
      await call(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { seconds: (performance.now() - start) / 1000, latencies };
}
