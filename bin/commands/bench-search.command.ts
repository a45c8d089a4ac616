import path from 'node:path';
import type { Command } from 'commander';
import { runSearchBench, type LexicalFigures } from '../../bench/search/search-bench.ts';
import { readMovieLens } from '../../services/recommend/eval/movielens.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';

type Result = ReturnType<typeof runSearchBench>;

function searchTable(r: Result): string {
  const cols = ['known-item MRR', 'prefix MRR', 'prefix title prec.', 'genre prec.', 'queries/s'];
  const row = (name: string, m: LexicalFigures) =>
    [name.padEnd(16), ...[m.known_item_mrr, m.prefix_mrr, m.prefix_title_precision, m.genre_precision, m.queries_per_s].map((v, i) => String(v).padStart(cols[i]!.length + 2))].join('');
  return [
    `${r.items} items; ${r.queries.known_item} whole-title, ${r.queries.prefix} two-word prefix and ${r.queries.genre} genre queries; top ${r.k}; field weights ${JSON.stringify(r.field_weights)}`,
    ['index'.padEnd(16), ...cols.map((c) => c.padStart(c.length + 2))].join(''),
    row('weighted fields', r.models.fields),
    row('one text', r.models.one_text),
    `"${r.example.query}": ${r.example.fields.join(' | ')}`,
    `  one text: ${r.example.one_text.join(' | ')}`,
  ].join('\n');
}

/** Adds `bench search` to the `bench` command. */
export function registerBenchSearchCommand(bench: Command): void {
  bench
    .command('search')
    .description('lexical product search on MovieLens titles: known-item MRR, title and genre precision, queries/s, weighted fields against one text')
    .option('--data <dir>', 'MovieLens folder (default: <AFFINITY_SHARED_DIR or ../shared>/data/movielens-100k)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action((o: { data?: string; json?: boolean }) => {
      const dir = o.data ?? path.join(loadConfig().AFFINITY_SHARED_DIR, 'data', 'movielens-100k');
      const result = runSearchBench(readMovieLens(dir), { progress });
      printResult(result, { json: Boolean(o.json) }, () => searchTable(result));
    });
}
