import type { Command } from 'commander';
import { runCommitSyncBench } from '../../bench/storage/commit-sync-bench.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { positiveNumber } from '../../shared/cli/option-parsers.ts';

export function registerBenchCommitSyncCommand(bench: Command): void {
  bench
    .command('commit-sync')
    .description('durable SQLite commits at a fixed rate: alone, beside large files written whole then synced, beside files synced every MiB; and the log checkpointed inside commits or by a thread')
    .option('--seconds <s>', 'seconds of commits per condition', positiveNumber, 20)
    .option('--rate <n>', 'commits a second', positiveNumber, 100)
    .option('--file-mib <n>', 'size of each file the background writer writes', positiveNumber, 16)
    .option('--dir <dir>', 'folder on the disk to measure (default: a fresh temporary folder)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { seconds: number; rate: number; fileMib: number; dir?: string; json?: boolean }) => {
      const r = await runCommitSyncBench({ seconds: o.seconds, rate: o.rate, fileMiB: o.fileMib, dir: o.dir, progress });
      const line = (name: string, l: (typeof r.commit_ms)['alone']) => `${name.padEnd(28)} p50 ${l.p50} ms  p99 ${l.p99} ms  max ${l.max} ms  (${l.commits} commits, ${l.files_written} files)`;
      printResult(r, o, () =>
        [
          line('alone', r.commit_ms.alone),
          line('beside whole-file writes', r.commit_ms.beside_whole_file_writes),
          line(`beside ${r.chunk_mib} MiB-synced writes`, r.commit_ms.beside_chunked_writes),
          `p99 whole / chunked: ${r.p99_ratio_whole_vs_chunked}x`,
          ...(['in_commit', 'thread'] as const).map((w) => {
            const c = r.checkpoints[w];
            return `checkpoints ${w.replace('_', ' ').padEnd(16)} commit p99 ${c.commit_ms.p99} ms  max ${c.commit_ms.max} ms;  event-loop delay p99 ${c.event_loop_delay_ms.p99} ms  p99.9 ${c.event_loop_delay_ms.p999} ms  max ${c.event_loop_delay_ms.max} ms`;
          }),
        ].join('\n'),
      );
    });
}
