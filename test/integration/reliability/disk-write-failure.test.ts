// A disk that refuses writes in the middle of a training run: the training process runs with a
// file-size limit (`ulimit -f`, a real EFBIG from the kernel, no mock) so the model's large
// files cannot be written. The version in service stays, no version (or temporary folder) is
// left behind, and the next run without the limit succeeds.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOMMEND_KIND, registryRoot } from '../../../services/recommend/index.ts';
import { loadConfig } from '../../../shared/config/index.ts';
import { ModelRegistry } from '../../../shared/registry/index.ts';
import { runAffinity } from '../../support/affinity-process.ts';
import { repoRoot, sharedDir, testModelDir } from '../../support/paths.ts';

/** `affinity <args>` with writes capped at `kib` KiB per file. */
function runWithFileLimit(kib: number, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete merged.NODE_OPTIONS;
  // ulimit -f counts 512-byte blocks
  const child = spawn('bash', ['-c', `ulimit -f ${kib * 2}; exec "$0" bin/affinity.mjs "$@"`, process.execPath, ...args], { cwd: repoRoot, env: merged });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('disk write failure during training', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-efbig-'));
    env = {
      AFFINITY_DATA_DIR: dataDir,
      AFFINITY_SHARED_DIR: sharedDir(),
      EMBED_MODEL: testModelDir('tiny'),
      REDIS_PREFIX: `test-${randomUUID()}`,
      LOG_LEVEL: 'warn',
    };
    const imported = await runAffinity(['import', 'movielens', '--data', path.join(sharedDir(), 'data', 'movielens-100k')], env);
    expect(imported.code, imported.output).toBe(0);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves the current version in service and nothing half-written', { timeout: 180_000 }, async () => {
    const first = await runAffinity(['train', 'recommend', '--no-tune', '--json'], env);
    expect(first.code, first.output).toBe(0);
    const registry = new ModelRegistry(registryRoot(loadConfig({}, env)));
    const v1 = (await registry.current(RECOMMEND_KIND))!.manifest.version;
    const kindDir = path.join(registryRoot(loadConfig({}, env)), RECOMMEND_KIND);
    const before = readdirSync(kindDir).sort();

    // the model's files are megabytes; 512 KiB per file cannot hold them
    const failed = await runWithFileLimit(512, ['train', 'recommend', '--no-tune', '--seed', '3', '--json'], env);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/EFBIG|file too large/i);
    expect((await registry.current(RECOMMEND_KIND))!.manifest.version).toBe(v1);
    expect(readdirSync(kindDir).sort()).toEqual(before); // no new version, no temporary folder

    const again = await runAffinity(['train', 'recommend', '--no-tune', '--seed', '3', '--json'], env);
    expect(again.code, again.output).toBe(0);
    expect((await registry.list(RECOMMEND_KIND)).length).toBe(2);
  });
});
