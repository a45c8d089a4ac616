import os from 'node:os';
import type { Command } from 'commander';
import { runApiBench } from '../../bench/api/api-bench.ts';
import { loadAverage, summariseRuns, type ApiBenchRun } from '../../bench/api/api-bench-runs.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { positiveInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';

export function registerBenchApiCommand(bench: Command): void {
  bench
    .command('api')
    .description('the serving API under load: ML-100K loaded, recommendations and search, N connections for S seconds (autocannon)')
    .option('--connections <n>', 'concurrent connections', positiveInt, 32)
    .option('--seconds <n>', 'duration per route', positiveInt, 30)
    .option('--processes <n>', 'API processes serving the port (API_PROCESSES); default: one per core', positiveInt, os.availableParallelism())
    .option('--runs <n>', 'whole runs (fresh server each); figures are their medians', positiveInt, 1)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { connections: number; seconds: number; processes: number; runs: number; json?: boolean }) => {
      const config = loadConfig();
      const runs: ApiBenchRun[] = [];
      let last: Awaited<ReturnType<typeof runApiBench>> | undefined;
      for (let i = 0; i < Math.max(1, o.runs); i++) {
        if (o.runs > 1) progress(`run ${i + 1} of ${o.runs}`);
        const before = loadAverage();
        last = await runApiBench({ sharedDir: config.AFFINITY_SHARED_DIR, connections: o.connections, seconds: o.seconds, processes: Math.max(1, o.processes), progress });
        runs.push({ routes: last.routes, load: { before, after: loadAverage() } });
      }
      const target = last!.targets.recommendations_p99_ms;
      const routes = summariseRuns(runs, { recommendations: target, recommendations_cold: target });
      const r = {
        ...last!,
        runs: runs.length,
        routes,
        // each run's figures and the load averages (1, 5, 15 min) before and after it
        per_run: runs,
        met: {
          errors: Object.values(routes).every((f) => f.errors + f.non_2xx === 0),
          recommendations_p99: routes.recommendations!.p99_ms <= target,
          recommendations_cold_p99: routes.recommendations_cold!.p99_ms <= target,
        },
      };
      printResult(r, o, () =>
        [
          ...Object.entries(routes).map(
            ([name, f]) =>
              `${name.padEnd(21)} ${f.requests_per_s} req/s  p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms (p99/p50 ${f.p99_over_p50}` +
              `${f.p99_over_target === undefined ? '' : `, p99/target ${f.p99_over_target}`})  errors ${f.errors + f.non_2xx}`,
          ),
          `${r.api_processes} API process(es); ${runs.length === 1 ? '' : `medians of ${runs.length} runs; `}load before/after: ${runs.map((x) => `${x.load.before[0]}→${x.load.after[0]}`).join(', ')}`,
        ].join('\n'),
      );
    });
}
