import type { Command } from 'commander';
import { runIndexBench, type EfRow } from '../../bench/index/index-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt, positiveInt } from '../../shared/cli/option-parsers.ts';
import { appError } from '../../shared/errors/index.ts';

/** Neighbours each query asks for: recall@10. */
const K = 10;
const intList = (v: string) => v.split(',').map((x) => positiveInt(x.trim()));

type Result = Awaited<ReturnType<typeof runIndexBench>>;

function indexTable(r: Result): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const line = (ef: string, recall: string, qps: string, ratio: string) => `${ef.padStart(6)} ${recall.padStart(10)} ${qps.padStart(11)} ${ratio.padStart(9)}`;
  return [
    `n=${r.n} dim=${r.dim} clusters=${r.clusters} queries=${r.queries} k=${r.k}; HNSW M=${r.params.m} efConstruction=${r.params.ef_construction}, ${r.params.metric}`,
    `build ${r.build_seconds} s (${r.build_vectors_per_s} vectors/s, one thread), save ${r.save_seconds} s, load+verify ${r.load_seconds} s`,
    `${r.bytes_per_vector} bytes/vector on disk (${r.bytes_per_vector_with_manifest} with the manifest)`,
    `exact search (flat, one thread): ${r.exact_qps} queries/s`,
    line('ef', `recall@${r.k}`, 'queries/s', 'x exact'),
    ...r.rows.map((row: EfRow) => line(String(row.ef), row.recall_at_10.toFixed(4), String(row.qps), String(row.ratio_vs_exact))),
    r.qps_at_recall_0_95 === null
      ? `no ef reached recall@${r.k} >= ${r.targets.recall_at_10}: try larger --ef values`
      : `best at recall@${r.k} >= ${r.targets.recall_at_10}: ${r.qps_at_recall_0_95} queries/s (ef ${r.ef_at_recall_0_95}) = ${r.ratio_vs_exact}x exact (target >= ${r.targets.ratio_vs_exact}x)`,
    `wrapper overhead vs hnswlib-node at ef ${r.wrapper.ef}: ${pct(r.wrapper_overhead)} (target <= ${pct(r.targets.wrapper_overhead)}); direct ${r.wrapper.direct_qps}, wrapper ${r.wrapper.wrapper_qps} queries/s, median of ${r.wrapper.pairs} interleaved pairs; same results: ${r.wrapper.same_results}`,
  ].join('\n');
}

/** Adds `bench index` to the `bench` command. */
export function registerBenchIndexCommand(bench: Command): void {
  bench
    .command('index')
    .description('vector index: HNSW recall@10 and queries/s per ef against exact search, build time, bytes per vector, wrapper overhead')
    .option('--n <n>', 'vectors in the index', positiveInt, 100_000)
    .option('--dim <n>', 'dimension', positiveInt, 384)
    .option('--queries <n>', 'queries (not in the index)', positiveInt, 1000)
    .option('--clusters <n>', 'Gaussian clusters in the synthetic data', positiveInt, 100)
    .option('--ef <list>', 'search ef values, comma-separated', intList, [16, 32, 64, 128, 256])
    .option('--m <n>', 'HNSW M (links per node)', positiveInt, 16)
    .option('--ef-construction <n>', 'HNSW efConstruction', positiveInt, 200)
    .option('--repeat <n>', 'passes per measurement; medians are reported', positiveInt, 3)
    .option('--seed <n>', 'seed of the synthetic data', nonNegativeInt, 42)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: Record<string, unknown>) => {
      if ((o.n as number) < K) throw appError('VALIDATION_FAILED', `--n ${String(o.n)}: the index needs at least ${K} vectors (recall@${K} is measured)`);
      const result = await runIndexBench({
        n: o.n as number,
        dim: o.dim as number,
        queries: o.queries as number,
        clusters: o.clusters as number,
        efs: o.ef as number[],
        k: K,
        m: o.m as number,
        efConstruction: o.efConstruction as number,
        repeat: o.repeat as number,
        seed: o.seed as number,
        progress,
      });
      printResult(result, { json: Boolean(o.json) }, () => indexTable(result));
    });
}
