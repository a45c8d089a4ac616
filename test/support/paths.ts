import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared datasets folder: AFFINITY_SHARED_DIR, else ../shared beside the repository. */
export function sharedDir(): string {
  return path.resolve(repoRoot, process.env.AFFINITY_SHARED_DIR ?? '../shared');
}

/** Where global setup puts generated test encoders (keyed by a hash of the generator's sources). */
export function testModelsDir(): string {
  return process.env.AFFINITY_TEST_MODELS ?? path.join(repoRoot, '.cache', 'test-models');
}

export function testModelDir(shape: 'tiny' | 'minilm-l6'): string {
  return path.join(testModelsDir(), shape);
}
