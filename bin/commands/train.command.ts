import type { Command } from 'commander';
import { catalogMigrations, CatalogRepository, registryRoot, trainFromCatalog } from '../../services/recommend/index.ts';
import { announceToServers } from '../../shared/cli/announce.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { ModelRegistry } from '../../shared/registry/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';

/** Creates the `train` parent command; the services add their subcommands to it. */
export function registerTrainCommands(program: Command): Command {
  const train = program.command('train').description('train models on the stored data and put them in the registry');
  train
    .command('recommend')
    .description('train the recommender on every stored event; promoted unless it validates worse than the one in service')
    .option('--seed <n>', 'seed of the validation split and the factor model', nonNegativeInt, 42)
    .option('--no-tune', 'skip hyper-parameter and weight tuning (use the defaults)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { seed: number; tune: boolean; json?: boolean }) => {
      const config = loadConfig();
      const db = openDatabase(config);
      let r: Awaited<ReturnType<typeof trainFromCatalog>>;
      try {
        await db.migrate(catalogMigrations);
        r = await trainFromCatalog(new CatalogRepository(db), new ModelRegistry(registryRoot(config)), {
          seed: o.seed,
          tune: o.tune,
          tolerance: config.PROMOTE_TOLERANCE,
          itemFeatures: config.RECOMMEND_ITEM_FEATURES,
          searchFolds: config.RECOMMEND_SEARCH_FOLDS,
          easeMaxItems: config.RECOMMEND_EASE_MAX_ITEMS,
          keepVersions: config.REGISTRY_KEEP_VERSIONS,
          onProgress: progress,
        });
      } finally {
        await db.close();
      }
      const version = r.version.manifest.version;
      // running API processes load a promoted version now, as after a worker's training
      const announced = r.promoted ? await announceToServers(config, { kind: 'recommend', version, action: 'promoted' }) : false;
      const result = {
        kind: 'recommend',
        version,
        promoted: r.promoted,
        announced,
        ndcg_at_10_validation: Math.round(r.metric * 10_000) / 10_000,
        current_ndcg_at_10: r.currentMetric === undefined ? null : Math.round(r.currentMetric * 10_000) / 10_000,
        compared_on: r.comparedOn ?? null,
        ...(r.note ? { note: r.note } : {}),
        pruned: r.pruned,
        seconds: Math.round(r.seconds * 100) / 100,
      };
      printResult(result, o, () =>
        [
          `recommend ${version}: validation nDCG@10 ${result.ndcg_at_10_validation}${result.current_ndcg_at_10 === null ? '' : ` against ${result.current_ndcg_at_10} for the version in service (${r.comparedOn === 'same-users' ? 'its recipe on the same validation users' : 'the figure it recorded on its own data'})`} — ${r.promoted ? 'promoted' : `rejected: ${r.note ?? 'worse than the version in service'}`} in ${result.seconds} s`,
          ...(r.promoted ? [announced ? 'running API processes load it now' : 'Redis did not answer: running API processes load it on their next start'] : []),
        ].join('\n'),
      );
    });
  return train;
}
