import os from 'node:os';
import type { Command } from 'commander';
import { runEmbedBench } from '../../bench/embed/embed-bench.ts';
import { registerBenchApiCommand } from './bench-api.command.ts';
import { registerBenchCommitSyncCommand } from './bench-commit-sync.command.ts';
import { registerBenchIndexCommand } from './bench-index.command.ts';
import { registerBenchKbCommand } from './bench-kb.command.ts';
import { registerBenchSearchCommand } from './bench-search.command.ts';
import { registerBenchSoakCommand } from './bench-soak.command.ts';
import { registerBenchTrainCommand } from './bench-train.command.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt, positiveInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';

function embedTable(r: Awaited<ReturnType<typeof runEmbedBench>>): string {
  const rows = Object.entries(r.results).map(
    ([name, m]) =>
      `${name.padEnd(24)} ${String(m.texts_per_s).padStart(9)} ${String(m.p50_ms).padStart(9)} ${String(m.p99_ms).padStart(9)} ${String(m.gflops).padStart(8)}`,
  );
  return [
    `${'configuration'.padEnd(24)} ${'texts/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'GFLOP/s'.padStart(8)}`,
    ...rows,
    `int8 engine / pipeline single: ${r.ratio_int8_vs_pipeline_single}x (target >= ${r.targets.ratio_int8_vs_pipeline_single})`,
    `fp32 engine / pipeline batched: ${r.ratio_fp32_vs_pipeline_batched}x (target >= ${r.targets.ratio_fp32_vs_pipeline_batched})`,
    `fp32 engine: ${r.gflops_achieved} GFLOP/s of a measured ${r.gflops_peak_measured} GFLOP/s matmul peak = ${Math.round(r.fraction_of_peak * 100)}% (target >= 50%)`,
  ].join('\n');
}

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks: print figures and ratios (see bench/ and the README)');
  registerBenchIndexCommand(bench);
  registerBenchSearchCommand(bench);
  registerBenchKbCommand(bench);
  registerBenchApiCommand(bench);
  registerBenchSoakCommand(bench);
  registerBenchCommitSyncCommand(bench);
  registerBenchTrainCommand(bench);
  bench
    .command('embed')
    .description('embedding throughput and latency: Transformers.js pipeline vs our engine (fp32, int8) on real sentences')
    .option('--model-dir <dir>', 'encoder folder (default: generate the minilm-l6 benchmark encoder under AFFINITY_DATA_DIR)')
    .option('--texts <n>', 'sentences per configuration', positiveInt, 2048)
    .option('--concurrency <n>', 'concurrent single-text callers', positiveInt, 64)
    .option('--batch <n>', 'batch size of the hand-batched pipeline', positiveInt, 32)
    .option('--workers <n>', 'engine: inference worker threads (default: one per core)', positiveInt, os.availableParallelism())
    .option('--threads <n>', 'engine: intra-op threads per worker', positiveInt, 1)
    .option('--max-batch <n>', 'engine: most texts per dispatch', positiveInt, 64)
    .option('--max-batch-tokens <n>', 'engine: most padded tokens per run', positiveInt, 8192)
    .option('--run-overhead <tokens>', 'engine: fixed cost of a run, in tokens', nonNegativeInt, 64)
    .option('--max-wait-ms <ms>', 'engine: longest wait for company', nonNegativeInt, 2)
    .option('--repeat <n>', 'runs of each configuration; the median is reported', positiveInt, 3)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: Record<string, number | string | boolean | undefined>) => {
      const config = loadConfig();
      const result = await runEmbedBench({
        modelDir: o.modelDir as string | undefined,
        dataDir: config.AFFINITY_DATA_DIR,
        sharedDir: config.AFFINITY_SHARED_DIR,
        texts: o.texts as number,
        concurrency: o.concurrency as number,
        batch: o.batch as number,
        workers: o.workers as number,
        threads: o.threads as number,
        maxBatch: o.maxBatch as number,
        maxBatchTokens: o.maxBatchTokens as number,
        runOverheadTokens: o.runOverhead as number,
        maxWaitMs: o.maxWaitMs as number,
        repeat: o.repeat as number,
        progress,
      });
      printResult(result, { json: Boolean(o.json) }, () => embedTable(result));
    });
}
