import type { Command } from 'commander';
import { runKbBench } from '../../bench/kb/kb-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { positiveInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';

/** Adds `bench kb` to the `bench` command. */
export function registerBenchKbCommand(bench: Command): void {
  bench
    .command('kb')
    .description('knowledge base writes through the API: batches of new entries on a real server, their time, and how soon every API process finds them')
    .option('--entries <n>', 'entries to put', positiveInt, 3000)
    .option('--questions <n>', 'questions per entry', positiveInt, 5)
    .option('--batch <n>', 'entries per PUT', positiveInt, 250)
    .option('--processes <n>', 'API processes (API_PROCESSES)', positiveInt, 2)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { entries: number; questions: number; batch: number; processes: number; json?: boolean }) => {
      const result = await runKbBench({ ...o, sharedDir: loadConfig().AFFINITY_SHARED_DIR, progress });
      printResult(result, { json: Boolean(o.json) }, () =>
        [
          `${result.entries} entries (${result.questions} questions) in ${result.batches} batches of ${result.batch}, ${result.api_processes} API processes`,
          `  put in ${result.put_seconds} s (${result.entries_per_s} entries/s); a batch: median ${result.batch_ms.median} ms, slowest ${result.batch_ms.max} ms, last ${result.batch_ms.last} ms`,
          `  the last batch found by every process ${result.last_batch_everywhere_ms} ms after it was acknowledged`,
        ].join('\n'),
      );
    });
}
