import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { INTENT_DEFAULTS, SENTIMENT_DEFAULTS, type LabelledExample, type TextClassifier, type TextClassifierOptions } from '../../services/chat/classify/index.ts';
import { crossValidate, evaluateTrainTest, NegativeCalibrationCheck, runnableVariants, type NegativeCalibrationReport, stratifiedSplit, type Variant, type VariantResult } from '../../services/chat/eval/index.ts';
import { chatTrainingSource, evenSample, readTrainingExamples, REFERENCE_SAMPLE } from '../../services/chat/index.ts';
import { defaultDataPaths, openConfiguredEmbedder, readLabelledData } from '../../services/chat/eval/index.ts';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { appError } from '../../shared/errors/index.ts';

const fraction = (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`not a fraction in (0, 1): ${v}`);
  return n;
};
const probability = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`not in [0, 1]: ${v}`);
  return n;
};
const integer = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`not an integer >= ${min}: ${v}`);
  return n;
};
const variantList = (v: string): Variant[] => {
  const list = v.split(',').map((s) => s.trim());
  for (const x of list) if (!['lexical', 'dense', 'combined'].includes(x)) throw new InvalidArgumentError(`unknown variant: ${x}`);
  return list as Variant[];
};

interface EvalCliOptions {
  train?: string;
  test?: string;
  data?: string;
  split?: number;
  folds?: number;
  textColumn?: string;
  labelColumn?: string;
  seed: number;
  dense: boolean;
  variants?: Variant[];
  threshold?: number;
  /** Sentiment: support messages to check the negative calibration on; false: no check. */
  reference: string | boolean;
  json?: boolean;
}

function table(r: { variants: Partial<Record<Variant, VariantResult>> }): string {
  const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(2).padStart(6));
  const lines = ['variant      accuracy  macro-F1  train s  coverage  acc@thr  kNN w'];
  for (const [name, v] of Object.entries(r.variants)) {
    lines.push(
      `${name.padEnd(12)} ${pct(v.accuracy)}    ${pct(v.macro_f1)}    ${String(v.train_seconds).padStart(6)}   ${pct(v.coverage)}   ${pct(v.accuracy_at_threshold)}   ${v.knn_weight.toFixed(2)}`,
    );
  }
  return lines.join('\n');
}

/** Which evaluated variant the headline figures are taken from, in order of preference. */
const MAIN_VARIANTS: readonly Variant[] = ['combined', 'lexical', 'dense'];

async function runEval(task: 'intents' | 'sentiment', o: EvalCliOptions): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const defaults = defaultDataPaths(config.AFFINITY_SHARED_DIR);
  const base: TextClassifierOptions = task === 'intents' ? INTENT_DEFAULTS : SENTIMENT_DEFAULTS;
  const columns = { text: o.textColumn, label: o.labelColumn };
  if (o.data && (o.train || o.test)) throw appError('VALIDATION_FAILED', 'give either --data or --train/--test, not both');
  if (o.split !== undefined && o.folds !== undefined) throw appError('VALIDATION_FAILED', 'give either --split or --folds, not both');
  if (Boolean(o.train) !== Boolean(o.test)) throw appError('VALIDATION_FAILED', '--train and --test go together (or use --data with --split)');
  // intents default to Banking77's own train/test files, sentiment to 10-fold CV over the UCI sentences
  const pair = o.train && o.test ? { train: o.train, test: o.test } : !o.data && task === 'intents' ? { train: defaults.intentsTrain, test: defaults.intentsTest } : undefined;
  const embedder = o.dense ? await openConfiguredEmbedder(config) : undefined;
  try {
    const evalOpts = { options: base, embed: embedder?.embed, variants: o.variants, threshold: o.threshold, progress };
    const check = task === 'sentiment' ? negativeCalibrationCheck(config, o.reference) : undefined;
    const runnable = runnableVariants(evalOpts);
    if (runnable.length === 0) {
      throw appError('VALIDATION_FAILED', `--variants ${(o.variants ?? []).join(',')} need the encoder: drop --no-dense, or ask for lexical`);
    }
    // the variant the headline figures (and the negative calibration) come from: combined, else lexical, else dense
    const checked = MAIN_VARIANTS.find((v) => runnable.includes(v))!;
    const onModel = check && (async (v: Variant, clf: TextClassifier, test: readonly LabelledExample[]) => (v === checked ? check.addFold(clf, test) : undefined));
    let result: Record<string, unknown> & { variants: Partial<Record<Variant, VariantResult>> };
    let sizes: { n_train: number; n_test: number };
    if (pair) {
      const train = readLabelledData(pair.train, columns);
      const test = readLabelledData(pair.test, columns);
      progress(`train ${pair.train} (${train.length}), test ${pair.test} (${test.length})`);
      result = { protocol: 'train/test', train: path.resolve(pair.train), test: path.resolve(pair.test), ...(await evaluateTrainTest(train, test, { ...evalOpts, onModel })) };
      sizes = { n_train: train.length, n_test: test.length };
    } else {
      const source = o.data ?? defaults.sentiment;
      const all = readLabelledData(source, columns);
      const folds = o.folds ?? (o.split === undefined && task === 'sentiment' ? 10 : undefined);
      if (folds !== undefined) {
        progress(`${source}: ${all.length} texts, ${folds}-fold cross-validation, seed ${o.seed}`);
        result = { protocol: `${folds}-fold cross-validation`, data: path.resolve(source), ...(await crossValidate(all, folds, o.seed, { ...evalOpts, onModel })) };
        sizes = { n_train: all.length - Math.round(all.length / folds), n_test: Math.round(all.length / folds) };
      } else {
        const testShare = o.split ?? 0.2;
        const { train, test } = stratifiedSplit(all.map((e) => e.label), testShare, o.seed);
        progress(`${source}: ${all.length} texts, stratified split ${1 - testShare}/${testShare}, seed ${o.seed}`);
        const r = await evaluateTrainTest(train.map((i) => all[i]!), test.map((i) => all[i]!), { ...evalOpts, onModel });
        result = { protocol: `stratified split, test share ${testShare}`, data: path.resolve(source), ...r };
        sizes = { n_train: train.length, n_test: test.length };
      }
    }
    const main = checked;
    const calibration = check?.report();
    const m = result.variants[main]!;
    const out = {
      task,
      ...result,
      ...sizes,
      encoder: embedder ? embedder.info.id : null,
      seed: o.seed,
      main_variant: main,
      accuracy: m.accuracy,
      macro_f1: m.macro_f1,
      train_seconds: m.train_seconds,
      embed_seconds: m.embed_seconds,
      threshold: m.threshold,
      coverage: m.coverage,
      accuracy_at_threshold: m.accuracy_at_threshold,
      ...(calibration ? { negative_calibration: calibration } : {}),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    printResult(out, o, () => `${task} (${String(result.protocol)}); encoder ${out.encoder ?? 'none'}\n${table(result)}${calibration ? `\n${calibrationLines(calibration, checked)}` : ''}`);
  } finally {
    await embedder?.close();
  }
}

/**
 * The check of the dialog's negative threshold: support messages (the intent data the chat
 * trains on, or `--reference`), as sentiment training samples them.
 */
function negativeCalibrationCheck(config: ReturnType<typeof loadConfig>, reference: string | boolean): NegativeCalibrationCheck | undefined {
  if (reference === false || config.CHAT_NEGATIVE_NEUTRAL_RATE >= 1) return undefined;
  const source = typeof reference === 'string' ? reference : chatTrainingSource(config, 'intents');
  const texts = readTrainingExamples(source, 'intents').map((e) => e.text);
  progress(`negative threshold check: ${Math.min(texts.length, 2 * REFERENCE_SAMPLE)} support messages from ${source}, half to calibrate, half to check`);
  return new NegativeCalibrationCheck(evenSample(texts, 2 * REFERENCE_SAMPLE), config.CHAT_NEGATIVE_NEUTRAL_RATE, config.CHAT_NEGATIVE_MIN_CONFIDENCE);
}

function calibrationLines(c: NegativeCalibrationReport, variant: Variant): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `negative in the dialog (${variant}; support messages: ${c.reference_texts}, CHAT_NEGATIVE_NEUTRAL_RATE ${c.rate})   at ${c.floor}   calibrated (mean ${c.mean_threshold.toFixed(3)})`,
    `  held-out negative texts counted negative                 ${pct(c.negative_recall.at_floor).padStart(7)}   ${pct(c.negative_recall.calibrated).padStart(7)}`,
    `  held-out positive texts counted negative                 ${pct(c.positives_as_negative.at_floor).padStart(7)}   ${pct(c.positives_as_negative.calibrated).padStart(7)}`,
    `  support messages counted negative                        ${pct(c.support_as_negative.at_floor).padStart(7)}   ${pct(c.support_as_negative.calibrated).padStart(7)}`,
  ].join('\n');
}

function addOptions(cmd: Command): Command {
  return cmd
    .option('--train <file>', 'training CSV (with --test)')
    .option('--test <file>', 'test CSV (with --train)')
    .option('--data <path>', 'one CSV (or the UCI sentiment folder) to split or cross-validate')
    .option('--split <fraction>', 'with --data: the stratified test share', fraction)
    .option('--folds <k>', 'with --data: k-fold cross-validation instead of a split', integer(2))
    .option('--text-column <name>', 'CSV column of the text (default: text, instruction, sentence…)')
    .option('--label-column <name>', 'CSV column of the label (default: label, category, intent…)')
    .option('--seed <n>', 'seed of splits and training', integer(0), 42)
    .option('--no-dense', 'leave the encoder out: lexical features only')
    .option('--variants <list>', 'comma-separated: lexical, dense, combined', variantList)
    .option('--threshold <p>', 'unknown threshold on calibrated confidence (default: the classifier preset)', probability)
    .option('--json', 'print one JSON object as the last line of stdout');
}

/**
 * Adds `intents` and `sentiment` to an `eval` command: accuracy, macro-F1 and training time of
 * the classifiers, for n-gram, embedding and combined features.
 */
export function registerNlpEvalCommands(evalCommand: Command): void {
  addOptions(evalCommand.command('intents'))
    .description('intent classifier: train/test files (default Banking77), or one CSV with --split or --folds')
    .action((o: EvalCliOptions) => runEval('intents', o));
  addOptions(evalCommand.command('sentiment'))
    .option('--reference <file>', 'support messages (CSV) to check the dialog\'s calibrated negative threshold on (default: the intent data the chat trains on)')
    .option('--no-reference', 'leave that check out')
    .description('sentiment classifier: k-fold cross-validation (default 10) over a folder or CSV, or --split / --train --test')
    .action((o: EvalCliOptions) => runEval('sentiment', o));
}
