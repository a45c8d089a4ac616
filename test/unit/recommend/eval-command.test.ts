import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { evalCommand, registerEvalCommands } from '../../../bin/commands/eval.command.ts';
import { twoGroups, CATALOGUE } from './fixtures.ts';

describe('affinity eval recommend', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `affinity-eval-${process.pid}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // a tiny ml-100k-shaped folder: two taste groups, numeric ids as MovieLens has
  const id = (item: string) => String(CATALOGUE.indexOf(item) + 1);
  const rows = twoGroups(80, 9).map((r) => `${r.userId.slice(1)}\t${id(r.itemId)}\t4\t${r.timestamp}`);
  writeFileSync(path.join(dir, 'u.data'), `${rows.join('\n')}\n`);
  const flags = (i: number) => Array.from({ length: 19 }, (_, g) => (g === i % 19 ? '1' : '0')).join('|');
  writeFileSync(path.join(dir, 'u.item'), CATALOGUE.map((name, i) => `${i + 1}|${name} (1995)|01-Jan-1995||http://x|${flags(i)}`).join('\n'));

  it('creates the eval parent once', () => {
    const program = new Command('affinity');
    const parent = evalCommand(program);
    registerEvalCommands(program);
    expect(program.commands.filter((c) => c.name() === 'eval')).toEqual([parent]);
    expect(parent.commands.map((c) => c.name())).toEqual(['recommend']);
  });

  it('prints the table on stderr and one JSON object as the last stdout line with --json', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    try {
      const program = new Command('affinity').exitOverride();
      registerEvalCommands(program);
      await program.parseAsync(['node', 'affinity', 'eval', 'recommend', '--data', dir, '--seed', '3', '--folds', '1', '--json']);
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
    const last = out.join('').trim().split('\n').at(-1)!;
    const result = JSON.parse(last) as { models: Record<string, Record<string, number>>; best: string; seed: number; protocol: { k: number; users: number } };
    expect(result.seed).toBe(3);
    expect(result.protocol.k).toBe(10);
    expect(Object.keys(result.models)).toContain('blend');
    expect(Object.keys(result.models)).toContain(result.best);
    for (const m of Object.values(result.models)) {
      for (const key of ['map', 'ndcg_at_10', 'precision_at_10', 'recall_at_10']) expect(m[key]).toBeGreaterThanOrEqual(0);
      expect(m.ndcg_at_10).toBeLessThanOrEqual(1);
      expect(m.train_seconds).toBeGreaterThanOrEqual(0);
    }
    // two clean taste groups: the blend must find most held-out items
    expect(result.models.blend!.recall_at_10).toBeGreaterThan(0.5);
    expect(err.join('')).toMatch(/model\s+MAP\s+nDCG@10/);
  });

  it.each([
    [['--folds', '0'], /--folds <n>.*not a positive integer: 0/],
    [['--k', '0'], /--k <n>.*not a positive integer: 0/],
    [['--folds', '3', '--search-folds', '5'], /--search-folds 5 is more than --folds 3/],
  ])('refuses %j before any work starts', async (args, message) => {
    const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command('affinity').exitOverride();
      registerEvalCommands(program);
      for (const c of program.commands) for (const sub of c.commands) sub.exitOverride();
      await expect(program.parseAsync(['node', 'affinity', 'eval', 'recommend', '--data', dir, ...args])).rejects.toThrow(message);
    } finally {
      se.mockRestore();
    }
  });
});
