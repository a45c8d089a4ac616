import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.ts';

// In a child process, so the test runner keeps its priority. Field 19 of a task's stat is its nice value.
const script = `
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lowerProcessPriority } from './shared/process/lower-priority.ts';
const nices = () => readdirSync('/proc/self/task').map((t) => Number(readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
const before = nices();
const target = Math.min(19, Math.max(...before) + 5);
const lowered = lowerProcessPriority(target);
const after = nices();
// a thread started afterwards inherits it
const w = new Worker('setTimeout(() => {}, 300)', { eval: true });
await new Promise((r) => w.once('online', r));
const withWorker = nices();
await w.terminate();
console.log(JSON.stringify({ before, lowered, after, withWorker, again: lowerProcessPriority(target), target }));
`;

describe('lowerProcessPriority', () => {
  it('lowers every thread of the process, not only the calling one, and threads started later inherit it', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { before: number[]; lowered: number; after: number[]; withWorker: number[]; again: number; target: number };
    // node starts several threads (V8's helpers) before any code runs
    expect(r.before.length).toBeGreaterThan(1);
    expect(r.target).toBeGreaterThan(Math.max(...r.before));
    expect(r.lowered).toBe(r.before.length);
    expect(r.after.every((n) => n === r.target)).toBe(true);
    expect(r.withWorker.length).toBeGreaterThan(r.after.length);
    expect(r.withWorker.every((n) => n === r.target)).toBe(true);
    expect(r.again).toBe(0);
  });
});
