// `affinity model …`: the encoder generator's command line. Wiring only: the work is done by
// services/embed/model-generator.
import { Option, type Command } from 'commander';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { nonNegativeInt } from '../../shared/cli/option-parsers.ts';
import { SHAPE_NAMES, generateModel, type GenerateModelResult } from '../../services/embed/model-generator/index.ts';

interface GenerateFlags {
  shape: string;
  out: string;
  tokenizer?: string;
  seed: number;
  json?: boolean;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function summary(r: GenerateModelResult): string {
  return [
    `generated ${r.shape} (seed ${r.seed}) in ${r.outDir}`,
    `  ${r.parameters.toLocaleString('en-US')} parameters, ${r.files.length} files, ${mb(r.bytes)}, ${r.seconds.toFixed(2)} s`,
    '  weights are random: use it for tests and benchmarks, not for quality',
  ].join('\n');
}

/**
 * Adds `model generate` to the CLI.
 * @example registerModelCommands(program); // affinity model generate --shape tiny --out models/tiny
 */
export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('encoder model folders (generation of offline test/benchmark encoders)');

  model
    .command('generate')
    .description(
      'write a BERT-architecture ONNX encoder with seeded random weights in the Transformers.js layout ' +
        '(config.json, tokenizer, onnx/model.onnx fp32, onnx/model_quantized.onnx int8, sentence-transformers files)',
    )
    .addOption(
      new Option('--shape <shape>', 'tiny: 2 layers, hidden 64, generated vocabulary (tests); minilm-l6: exactly all-MiniLM-L6-v2 (benchmarks)')
        .choices(SHAPE_NAMES)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--out <dir>', 'model folder to write (replaced only if it holds an earlier generated model)').makeOptionMandatory())
    .option(
      '--tokenizer <dir>',
      'folder with the real tokenizer files for minilm-l6 (default: <AFFINITY_SHARED_DIR or ../shared>/models/all-MiniLM-L6-v2); ignored for tiny',
    )
    .option('--seed <n>', 'seed of the random weights: same seed, byte-identical files', nonNegativeInt, 42)
    .option('--json', 'print one JSON object (dir, files, parameters, bytes, seconds) as the last line of stdout')
    .action(async (flags: GenerateFlags) => {
      const r = await generateModel({
        shape: flags.shape,
        outDir: flags.out,
        seed: flags.seed,
        ...(flags.tokenizer === undefined ? {} : { tokenizerDir: flags.tokenizer }),
        onProgress: progress,
      });
      const result = {
        dir: r.outDir,
        shape: r.shape,
        seed: r.seed,
        files: r.files,
        parameters: r.parameters,
        bytes: r.bytes,
        seconds: Number(r.seconds.toFixed(3)),
      };
      printResult(result, flags, () => summary(r));
    });
}
