// Generates the test encoders once per run (tiny and minilm-l6) into .cache/test-models,
// reusing them while the generator's sources are unchanged.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateModel } from '../../services/embed/model-generator/index.ts';
import { repoRoot, sharedDir, testModelsDir, testModelDir } from './paths.ts';

function generatorHash(): string {
  const dir = path.join(repoRoot, 'services', 'embed', 'model-generator');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

export default async function setup(): Promise<void> {
  const stamp = path.join(testModelsDir(), 'generator.hash');
  const hash = generatorHash();
  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
  if (fresh && existsSync(path.join(testModelDir('minilm-l6'), 'onnx', 'model_quantized.onnx'))) return;
  await rm(testModelsDir(), { recursive: true, force: true });
  await generateModel({ shape: 'tiny', outDir: testModelDir('tiny'), seed: 42 });
  await generateModel({
    shape: 'minilm-l6',
    outDir: testModelDir('minilm-l6'),
    tokenizerDir: path.join(sharedDir(), 'models', 'all-MiniLM-L6-v2'),
    seed: 42,
  });
  await writeFile(stamp, hash);
}
