// `affinity eval …`: offline evaluations against the standard protocols of ../shared/README.md.
// Wiring only: the work is done by services/recommend/eval.
import path from 'node:path';
import type { Command } from 'commander';
import { appError } from '../../shared/errors/index.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt, positiveInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { evaluateRecommender, type EvaluationReport } from '../../services/recommend/eval/evaluate-recommender.ts';
import { readMovieLens } from '../../services/recommend/eval/movielens.ts';

/** The published row we compare with: the best of the Microsoft Recommenders ML-100K table. */
const REFERENCE = { name: 'BiVAE (Microsoft Recommenders)', map: 0.1461, ndcg: 0.4751, precision: 0.4118, recall: 0.2191 };
const TARGETS = { ndcg: 0.5, map: 0.155, precision: 0.43, recall: 0.235 };

interface RecommendFlags {
  data?: string;
  seed: number;
  k: number;
  folds: number;
  searchFolds?: number;
  json?: boolean;
}

/** The `eval` parent command, created on first use, so several files can add subcommands to it. */
export function evalCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'eval') ??
    program.command('eval').description('offline evaluations on the standard protocols (../shared/README.md)')
  );
}

function table(r: EvaluationReport): string {
  const k = r.protocol.k;
  const num = (x: number) => x.toFixed(4).padStart(9);
  const head = `${'model'.padEnd(32)} ${'MAP'.padStart(9)} ${`nDCG@${k}`.padStart(9)} ${`P@${k}`.padStart(9)} ${`R@${k}`.padStart(9)} ${'train s'.padStart(9)}`;
  const rows = Object.entries(r.models).map(
    ([name, m]) => `${name.padEnd(32)} ${num(m.map)} ${num(m.ndcg)} ${num(m.precision)} ${num(m.recall)} ${m.trainSeconds.toFixed(2).padStart(9)}`,
  );
  const ref = `${REFERENCE.name.padEnd(32)} ${num(REFERENCE.map)} ${num(REFERENCE.ndcg)} ${num(REFERENCE.precision)} ${num(REFERENCE.recall)} ${'-'.padStart(9)}`;
  const best = r.models[r.best]!;
  const met = (name: keyof typeof TARGETS) => `${name} ${best[name].toFixed(4)} ${best[name] >= TARGETS[name] ? '>=' : '<'} ${TARGETS[name]}`;
  return [
    `MovieLens ${r.protocol.users} test users, split seed ${r.protocol.seed}, ${r.protocol.trainRatings}/${r.protocol.testRatings} ratings, ${r.seconds.toFixed(1)} s`,
    head,
    ...rows,
    ref,
    `best: ${r.best} (${(['ndcg', 'map', 'precision', 'recall'] as const).map(met).join(', ')})`,
    `blend weights: ${Object.entries(r.model.weightsByName()).map(([n, w]) => `${n} ${w}`).join(', ')}`,
    `train s: each source's final training on the training split; for the blend, validation tuning plus every source's training`,
  ].join('\n');
}

function json(r: EvaluationReport): Record<string, unknown> {
  const k = r.protocol.k;
  const models = Object.fromEntries(
    Object.entries(r.models).map(([name, m]) => [
      name,
      {
        map: round(m.map),
        [`ndcg_at_${k}`]: round(m.ndcg),
        [`precision_at_${k}`]: round(m.precision),
        [`recall_at_${k}`]: round(m.recall),
        train_seconds: Number(m.trainSeconds.toFixed(3)),
      },
    ]),
  );
  return {
    models,
    best: r.best,
    protocol: r.protocol,
    seed: r.protocol.seed,
    weights: r.model.weightsByName(),
    params: r.model.report.params,
    validation: r.model.report.validation,
    reference: REFERENCE,
    targets: TARGETS,
    seconds: Number(r.seconds.toFixed(1)),
  };
}

function round(x: number): number {
  return Number(x.toFixed(6));
}

/**
 * Adds `eval recommend` (and the `eval` parent, if it is not there yet) to the CLI.
 * @example registerEvalCommands(program); // affinity eval recommend --json
 */
export function registerEvalCommands(program: Command): void {
  evalCommand(program)
    .command('recommend')
    .description(
      'Microsoft Recommenders MovieLens protocol: per-user stratified 75/25 split (seeded), ' +
        'train and tune (on a validation split of the training part only), top-k per test user excluding their training items; ' +
        'MAP, nDCG@k, precision@k, recall@k for every candidate source alone and for the blend',
    )
    .option('--data <dir>', 'MovieLens folder (ml-100k u.data/u.item, ml-1m .dat or ratings.csv/movies.csv) (default: <AFFINITY_SHARED_DIR or ../shared>/data/movielens-100k)')
    .option('--seed <n>', 'seed of the split (NumPy-compatible, as python_stratified_split) and of training', nonNegativeInt, 42)
    .option('--k <n>', 'list length', positiveInt, 10)
    .option('--folds <n>', 'validation folds the blend weights are tuned on', positiveInt, 3)
    .option('--search-folds <n>', "validation folds each source's hyper-parameters are searched on, at most --folds (default: all of them)", positiveInt)
    .option('--json', 'print one JSON object (models, best, protocol, seed) as the last line of stdout')
    .action((flags: RecommendFlags) => {
      if (flags.searchFolds !== undefined && flags.searchFolds > flags.folds) {
        throw appError('VALIDATION_FAILED', `--search-folds ${flags.searchFolds} is more than --folds ${flags.folds}: parameters are searched on some of the validation folds`);
      }
      const dir = flags.data ?? path.join(loadConfig().AFFINITY_SHARED_DIR, 'data', 'movielens-100k');
      progress(`reading ${dir}`);
      const data = readMovieLens(dir);
      progress(`${data.layout}: ${data.ratings.length} ratings, ${data.items.length} items`);
      const report = evaluateRecommender(data, {
        seed: flags.seed,
        k: flags.k,
        training: { validationFolds: flags.folds, ...(flags.searchFolds ? { searchFolds: flags.searchFolds } : {}) },
        onProgress: progress,
      });
      printResult(json(report), flags, () => table(report));
    });
}
