import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFolderLock } from '../../../shared/fs/folder-lock.ts';

describe('withFolderLock', () => {
  let root: string;
  let lock: string;
  const opts = { staleMs: 10_000, waitMs: 300, busy: () => new Error('busy') };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'affinity-lock-'));
    lock = path.join(root, '.lock');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs callers one at a time, naming the holder, and leaves no lock behind, also when fn throws', async () => {
    const order: string[] = [];
    const task = (name: string) =>
      withFolderLock(lock, async () => {
        order.push(`${name}:in`);
        expect(readFileSync(path.join(lock, 'owner'), 'utf8')).toMatch(new RegExp(`^${process.pid}@`));
        await new Promise((r) => setImmediate(r));
        order.push(`${name}:out`);
      }, { ...opts, waitMs: 5_000 });
    await Promise.all([task('a'), task('b'), task('c')]);
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.replace(':in', '')).toBe(order[i + 1]!.replace(':out', ''));
    await expect(withFolderLock(lock, async () => Promise.reject(new Error('boom')), opts)).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('gives up with the busy error while a live holder keeps it', async () => {
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'owner'), `${process.pid}@${os.hostname()}:abcd`);
    let ran = false;
    await expect(withFolderLock(lock, async () => { ran = true; }, opts)).rejects.toThrow('busy');
    expect(ran).toBe(false);
    expect(existsSync(lock)).toBe(true);
  });

  it('takes over at once a lock whose holder on this host is dead', async () => {
    mkdirSync(lock);
    // pid 2^22 + 1 is above Linux's pid_max limit: no such process
    writeFileSync(path.join(lock, 'owner'), `${2 ** 22 + 1}@${os.hostname()}:abcd`);
    expect(await withFolderLock(lock, async () => 'ran', opts)).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });
});
