import type { Command } from 'commander';
import { runTrainBench } from '../../bench/train/train-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { positiveInt } from '../../shared/cli/option-parsers.ts';

/** Adds `bench train` to the `bench` command. */
export function registerBenchTrainCommand(bench: Command): void {
  bench
    .command('train')
    .description('recommender training and model scoring on a seeded synthetic shop larger than MovieLens (no database, no HTTP)')
    .option('--items <n>', 'catalog items', positiveInt, 100_000)
    .option('--users <n>', 'users', positiveInt, 20_000)
    .option('--events <n>', 'events', positiveInt, 1_500_000)
    .option('--categories <n>', 'item categories (the side feature)', positiveInt, 50)
    .option('--seed <n>', 'seed of the data and the training', positiveInt, 42)
    .option('--requests <n>', 'recommendation and similar-item calls timed', positiveInt, 200)
    .option('--tune', 'tune parameters and weights as `train recommend` does by default (slow at this size)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { items: number; users: number; events: number; categories: number; seed: number; requests: number; tune?: boolean; json?: boolean }) => {
      const r = await runTrainBench({ ...o, tune: Boolean(o.tune), progress });
      printResult(r, { json: Boolean(o.json) }, () =>
        [
          `${r.interactions} interactions, ${r.users} users, ${r.items} items, ${r.tuned ? 'tuned' : 'untuned'}`,
          `  training ${r.train_seconds} s (validation ${r.validation_seconds} s; final sources: ${Object.entries(r.final_train_seconds).map(([k, v]) => `${k} ${v} s`).join(', ')})`,
          `  validation nDCG@10 ${r.validation_ndcg_at_10 ?? '-'}`,
          `  recommend: mean ${r.recommend_ms.mean} ms, p50 ${r.recommend_ms.p50} ms, p99 ${r.recommend_ms.p99} ms (${r.requests} calls, one thread)`,
          `  similar:   mean ${r.similar_ms.mean} ms, p50 ${r.similar_ms.p50} ms, p99 ${r.similar_ms.p99} ms`,
        ].join('\n'),
      );
    });
}
