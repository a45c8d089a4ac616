import type { Command } from 'commander';

export function registerBenchCommands(program: Command): void {
  program.command('bench').description('benchmarks (print figures and ratios; see bench/)');
}
