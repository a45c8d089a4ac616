// Wires the `affinity` CLI together; each command lives in bin/commands/<name>.command.ts.
import { Command } from 'commander';
import { registerBenchCommands } from './commands/bench.command.ts';
import { registerEvalCommands } from './commands/eval.command.ts';
import { registerNlpEvalCommands } from './commands/eval-nlp.command.ts';
import { registerJobsCommands } from './commands/jobs.command.ts';
import { registerKeysCommands } from './commands/keys.command.ts';
import { registerImportCommands } from './commands/import.command.ts';
import { registerImportKbCommand } from './commands/import-kb.command.ts';
import { registerModelCommands } from './commands/model.command.ts';
import { registerServeCommands } from './commands/serve.command.ts';
import { registerTrainCommands } from './commands/train.command.ts';
import { registerNlpTrainCommands } from './commands/train-nlp.command.ts';
import { registerWorkCommand } from './commands/work.command.ts';
import { runCli } from '../shared/cli/run-cli.ts';

const program = new Command('affinity')
  .description('Affinity: recommendations, semantic search and customer-service NLP on one embedding space')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

registerServeCommands(program);
registerWorkCommand(program);
registerJobsCommands(program);
registerKeysCommands(program);
registerModelCommands(program);
registerBenchCommands(program);
registerImportCommands(program);
registerImportKbCommand(program.commands.find((c) => c.name() === 'import')!);
registerNlpTrainCommands(registerTrainCommands(program));
registerEvalCommands(program);
registerNlpEvalCommands(program.commands.find((c) => c.name() === 'eval')!);

await runCli(program, process.argv);
