import path from 'node:path';
import type { Command } from 'commander';
import { chatMigrations, importBitextKb, KbRepository } from '../../services/chat/index.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { announceToServers } from '../../shared/cli/announce.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';
import { positiveInt } from '../../shared/cli/option-parsers.ts';

/** Adds `kb` to the `import` command: the Bitext customer-support sample as FAQ entries. */
export function registerImportKbCommand(importCommand: Command): void {
  importCommand
    .command('kb')
    .description('build the FAQ knowledge base from the Bitext customer-support CSV: one entry per intent, instructions as question variants, a representative response as the answer')
    .option('--bitext <csv>', 'the Bitext CSV (default: AFFINITY_SHARED_DIR/data/customer-support/bitext_customer_support_training.csv)')
    .option('--questions <n>', 'question variants kept per intent', positiveInt, 20)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { bitext?: string; questions: number; json?: boolean }) => {
      const config = loadConfig();
      const file = path.resolve(o.bitext ?? path.join(config.AFFINITY_SHARED_DIR, 'data', 'customer-support', 'bitext_customer_support_training.csv'));
      const db = openDatabase(config);
      const started = performance.now();
      let result: Awaited<ReturnType<typeof importBitextKb>>;
      try {
        await db.migrate(chatMigrations);
        result = await importBitextKb(new KbRepository(db), file, { questionsPerIntent: o.questions });
      } finally {
        await db.close();
      }
      if (!o.json) progress(`stored ${result.entries} entries; telling running servers to reindex`);
      const announced = await announceToServers(config, { kind: 'kb', version: new Date().toISOString(), action: 'promoted' });
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      printResult({ ...result, file, seconds, announced }, o, () =>
        [
          `imported ${result.entries} knowledge base entries (${result.questions} question variants) from ${file} in ${seconds} s`,
          announced ? 'running API processes reindex it now' : 'Redis did not answer: running API processes pick it up on their next start',
        ].join('\n'),
      );
    });
}
