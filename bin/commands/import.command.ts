import path from 'node:path';
import type { Command } from 'commander';
import { catalogMigrations } from '../../services/recommend/catalog/catalog.migrations.ts';
import { CatalogRepository } from '../../services/recommend/catalog/catalog.repository.ts';
import { importMovieLens } from '../../services/recommend/catalog/import-movielens.ts';
import { announceToServers } from '../../shared/cli/announce.ts';
import { printResult } from '../../shared/cli/json-output.ts';
import { progressBar } from '../../shared/cli/progress-bar.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('load data sets into the catalog');
  imp
    .command('movielens')
    .description('load a MovieLens folder (ml-100k u.data/u.item, or ratings.csv/movies.csv) as items and rating events')
    .option('--data <dir>', 'the MovieLens folder (default: <AFFINITY_SHARED_DIR>/data/movielens-100k)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { data?: string; json?: boolean }) => {
      const config = loadConfig();
      const dir = o.data || path.join(config.AFFINITY_SHARED_DIR, 'data', 'movielens-100k');
      const db = openDatabase(config);
      const started = performance.now();
      let result: Awaited<ReturnType<typeof importMovieLens>>;
      const bars = new Map<string, ReturnType<typeof progressBar>>();
      try {
        await db.migrate(catalogMigrations);
        result = await importMovieLens(new CatalogRepository(db), dir, (p) => {
          let bar = bars.get(p.stage);
          if (!bar) {
            for (const b of bars.values()) b.stop();
            bars.set(p.stage, (bar = progressBar(p.stage, p.total)));
          }
          bar.update(p.done);
        });
      } finally {
        // on failure too: a bar left running redraws for ever and the process never exits
        for (const b of bars.values()) b.stop();
        await db.close();
      }
      // running API processes rebuild their catalog index (search, similar items) from the database
      const announced = await announceToServers(config, { kind: 'catalog-index', version: new Date().toISOString(), action: 'promoted' });
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      printResult({ ...result, dir, seconds, announced }, o, () =>
        [
          `imported ${result.items} items and ${result.events} new events (${result.duplicates} already there) from ${dir} in ${seconds} s`,
          announced ? 'running API processes reindex the catalog now' : 'Redis did not answer: running API processes pick the catalog up on their next start',
          'recommendations use the new events once a model is trained on them: `npx affinity jobs run train-recommend --wait` (or the nightly run)',
        ].join('\n'),
      );
    });
}
