import path from 'node:path';
import type { Command } from 'commander';
import { INTENT_DEFAULTS, SENTIMENT_DEFAULTS, TextClassifier } from '../../services/chat/classify/index.ts';
import { defaultDataPaths, openConfiguredEmbedder, readLabelledData } from '../../services/chat/eval/index.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { appError } from '../../shared/errors/index.ts';

interface TrainCliOptions {
  data?: string;
  out: string;
  textColumn?: string;
  labelColumn?: string;
  seed: number;
  dense: boolean;
  json?: boolean;
}

async function runTrain(task: 'intents' | 'sentiment', o: TrainCliOptions): Promise<void> {
  const config = loadConfig();
  const defaults = defaultDataPaths(config.AFFINITY_SHARED_DIR);
  if (!(await TextClassifier.mayWriteTo(o.out))) {
    throw appError('VALIDATION_FAILED', `--out ${o.out} holds something that is not a saved model (or cannot be read): give an empty or new folder, or a model folder to replace`);
  }
  const source = o.data ?? (task === 'intents' ? defaults.intentsTrain : defaults.sentiment);
  const examples = readLabelledData(source, { text: o.textColumn, label: o.labelColumn });
  progress(`${source}: ${examples.length} labelled texts`);
  const embedder = o.dense ? await openConfiguredEmbedder(config) : undefined;
  try {
    const clf = await TextClassifier.train(examples, {
      ...(task === 'intents' ? INTENT_DEFAULTS : SENTIMENT_DEFAULTS),
      seed: o.seed,
      embed: embedder?.embed,
      onProgress: progress,
    });
    await clf.save(o.out);
    await clf.dispose();
    const m = clf.meta;
    const result = {
      task,
      data: path.resolve(source),
      out: path.resolve(o.out),
      encoder: embedder ? embedder.info.id : null,
      n_train: m.n_train,
      labels: m.labels.length,
      train_seconds: m.train_seconds,
      calibration: m.calibration,
      unknown_threshold: m.unknown_threshold,
      holdout: m.holdout,
    };
    printResult(result, o, () =>
      [
        `trained the ${task} classifier on ${m.n_train} texts (${m.labels.length} labels) in ${m.train_seconds} s → ${result.out}`,
        `held-out check (${m.holdout.n} texts, before the final refit): accuracy ${m.holdout.accuracy?.toFixed(4)}, NLL ${m.holdout.nll_uncalibrated?.toFixed(3)} → ${m.holdout.nll?.toFixed(3)} calibrated; kNN weight ${m.calibration.knnWeight}`,
      ].join('\n'),
    );
  } finally {
    await embedder?.close();
  }
}

function addOptions(cmd: Command): Command {
  return cmd
    .option('--data <path>', 'labelled CSV (or the UCI sentiment folder); default: the shared data set of the task')
    .requiredOption('--out <dir>', 'model folder to write (replaced atomically if it holds a model)')
    .option('--text-column <name>', 'CSV column of the text (default: text, instruction, sentence…)')
    .option('--label-column <name>', 'CSV column of the label (default: label, category, intent…)')
    .option('--seed <n>', 'seed of the held-out split and training', nonNegativeInt, 42)
    .option('--no-dense', 'leave the encoder out: lexical features only')
    .option('--json', 'print one JSON object as the last line of stdout');
}

/** Adds `intents` and `sentiment` to a `train` command: trains on all the data, writes the model folder. */
export function registerNlpTrainCommands(trainCommand: Command): void {
  addOptions(trainCommand.command('intents'))
    .description('train the intent classifier on a labelled CSV and write its model folder')
    .action((o: TrainCliOptions) => runTrain('intents', o));
  addOptions(trainCommand.command('sentiment'))
    .description('train the sentiment classifier and write its model folder')
    .action((o: TrainCliOptions) => runTrain('sentiment', o));
}
