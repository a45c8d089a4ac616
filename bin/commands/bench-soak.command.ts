import os from 'node:os';
import type { Command } from 'commander';
import { runSoakBench } from '../../bench/soak/soak-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { nonNegativeNumber, positiveInt, positiveNumber } from '../../shared/cli/option-parsers.ts';

export function registerBenchSoakCommand(bench: Command): void {
  bench
    .command('soak')
    .description('the whole system (API + worker processes, ML-100K) under a fixed mixed request rate while the nightly flow retrains')
    .option('--duration <s>', 'seconds of mixed load', positiveNumber, 300)
    .option('--warmup <s>', 'seconds of the same mix before the idle figures, not measured (0: none)', nonNegativeNumber, 20)
    .option('--rate-scale <x>', 'multiplies every route\'s request rate (105 req/s in all at 1)', positiveNumber, 1)
    .option('--processes <n>', 'API processes serving the port (API_PROCESSES); default: one per core', (v: string) => Math.max(1, Math.floor(positiveNumber(v))), os.availableParallelism())
    .option('--idle-samples <n>', 'requests each route\'s idle p99 is taken from (at most 10 a second; catalog upserts at 2)', positiveInt, 300)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { duration: number; warmup: number; rateScale: number; processes: number; idleSamples: number; json?: boolean }) => {
      const config = loadConfig();
      const r = await runSoakBench({ sharedDir: config.AFFINITY_SHARED_DIR, duration: o.duration, warmup: o.warmup, rateScale: o.rateScale, processes: o.processes, idleSamples: o.idleSamples, progress });
      printResult(r, o, () =>
        [
          ...Object.entries(r.routes).map(
            ([name, f]) => `${name.padEnd(16)} ${String(f.requests).padStart(7)} req  p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms (idle ${f.idle_p99_ms} ms, ${f.p99_vs_idle}x)  non-2xx ${Object.entries(f.statuses).filter(([s]) => !s.startsWith('2')).reduce((a, [, c]) => a + c, 0)}`,
          ),
          `RSS api ${r.rss.api_warm_mib} → ${r.rss.api_end_mib} MiB (${r.rss.api_growth_after_warmup_pct}%), worker ${r.rss.worker_warm_mib} → ${r.rss.worker_end_mib} MiB; nightly ${r.nightly.state} in ${r.nightly.seconds ?? '—'} s`,
          `met: ${JSON.stringify(r.met)}`,
        ].join('\n'),
      );
    });
}
