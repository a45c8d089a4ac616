import type { Command } from 'commander';
import { runApiBench } from '../../bench/api/api-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';

const int = (v: string) => Number.parseInt(v, 10);

export function registerBenchApiCommand(bench: Command): void {
  bench
    .command('api')
    .description('the serving API under load: ML-100K loaded, recommendations and search, N connections for S seconds (autocannon)')
    .option('--connections <n>', 'concurrent connections', int, 32)
    .option('--seconds <n>', 'duration per route', int, 30)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { connections: number; seconds: number; json?: boolean }) => {
      const config = loadConfig();
      const r = await runApiBench({ sharedDir: config.AFFINITY_SHARED_DIR, connections: o.connections, seconds: o.seconds, progress });
      printResult(r, o, () =>
        Object.entries(r.routes)
          .map(([name, f]) => `${name.padEnd(16)} ${f.requests_per_s} req/s  p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms  errors ${f.errors + f.non_2xx}`)
          .join('\n'),
      );
    });
}
