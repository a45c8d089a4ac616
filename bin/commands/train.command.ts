import type { Command } from 'commander';
import { catalogMigrations, CatalogRepository, registryRoot, trainFromCatalog } from '../../services/recommend/index.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { ModelRegistry } from '../../shared/registry/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';

/** Creates the `train` parent command; the services add their subcommands to it. */
export function registerTrainCommands(program: Command): Command {
  const train = program.command('train').description('train models on the stored data and put them in the registry');
  train
    .command('recommend')
    .description('train the recommender on every stored event; promoted unless it validates worse than the one in service')
    .option('--seed <n>', 'seed of the validation split and the factor model', (v) => Number.parseInt(v, 10), 42)
    .option('--no-tune', 'skip hyper-parameter and weight tuning (use the defaults)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { seed: number; tune: boolean; json?: boolean }) => {
      const config = loadConfig();
      const db = openDatabase(config);
      try {
        await db.migrate(catalogMigrations);
        const r = await trainFromCatalog(new CatalogRepository(db), new ModelRegistry(registryRoot(config)), {
          seed: o.seed,
          tune: o.tune,
          tolerance: config.PROMOTE_TOLERANCE,
          itemFeatures: config.RECOMMEND_ITEM_FEATURES,
          onProgress: progress,
        });
        const result = {
          kind: 'recommend',
          version: r.version.manifest.version,
          promoted: r.promoted,
          ndcg_at_10_validation: Math.round(r.metric * 10_000) / 10_000,
          current_ndcg_at_10: r.currentMetric ?? null,
          seconds: Math.round(r.seconds * 100) / 100,
        };
        printResult(result, o, () =>
          `recommend ${result.version}: validation nDCG@10 ${result.ndcg_at_10_validation} — ${r.promoted ? 'promoted' : 'rejected (worse than the version in service)'} in ${result.seconds} s`,
        );
      } finally {
        await db.close();
      }
    });
  return train;
}
