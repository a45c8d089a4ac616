// The container images copy the repository minus what .dockerignore leaves out. The CLI they run
// must load from that file set: it once registered the bench commands from bench/, which the
// images left out, so `serve`, `work` and `start` all failed with ERR_MODULE_NOT_FOUND.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.ts';

/** .dockerignore's patterns, of the two forms it uses: a top-level name, or `*.ext` anywhere. */
function ignored(): (relative: string) => boolean {
  const patterns = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const p of patterns) {
    if (!/^[\w.-]+$/.test(p) && !/^\*\.[\w.]+$/.test(p)) throw new Error(`.dockerignore pattern "${p}" is of a form this test does not read`);
  }
  return (relative) => {
    const first = relative.split(path.sep)[0]!;
    return patterns.some((p) => (p.startsWith('*.') ? relative.endsWith(p.slice(1)) : first === p));
  };
}

describe('the container image file set', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-image-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds everything the CLI loads: every command answers --help', () => {
    const skip = ignored();
    for (const entry of readdirSync(repoRoot)) {
      if (skip(entry) || entry.startsWith('scratch-')) continue;
      cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true, filter: (src) => !skip(path.relative(repoRoot, src)) });
    }
    // the image installs the dependencies itself; here the checkout's are linked in
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    expect(readdirSync(dir)).not.toContain('test');
    for (const args of [['--help'], ['serve', '--help'], ['work', '--help'], ['start', '--help']]) {
      const r = spawnSync(process.execPath, ['bin/affinity.mjs', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Usage: affinity/);
    }
  }, 120_000);
});
