import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../process/process-alive.ts';

export interface FolderLockOptions {
  /** A lock not refreshed for this long is abandoned (its holder froze or died on another host) and taken over. */
  staleMs: number;
  /** How long to wait for another holder before giving up. */
  waitMs: number;
  /** The error thrown after `waitMs`. */
  busy: () => Error;
}

const OWNER = 'owner';

/**
 * Runs `fn` holding a lock shared by every process on this file system: a folder made with
 * `mkdir` (atomic), its `owner` file naming the holder (`pid@host`), its mtime refreshed while
 * held. A lock whose holder is gone (a dead pid on this host, or not refreshed for `staleMs`) is
 * taken over. Written here rather than taken from proper-lockfile, whose signal-exit dependency
 * installs handlers for every signal at import (a file-size limit then killed the process with
 * SIGXFSZ instead of failing the write with EFBIG).
 * @example await withFolderLock('/data/registry/recommend/.lock', () => promote(), { staleMs: 10_000, waitMs: 12_000, busy: () => new Error('busy') })
 */
export async function withFolderLock<T>(dir: string, fn: () => Promise<T>, opts: FolderLockOptions): Promise<T> {
  const owner = `${process.pid}@${os.hostname()}:${randomBytes(4).toString('hex')}`;
  await acquire(dir, owner, opts);
  const refresh = setInterval(() => {
    const now = new Date();
    void utimes(dir, now, now).catch(() => undefined);
  }, Math.max(10, Math.floor(opts.staleMs / 3)));
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    // taken over meanwhile (this process froze past staleMs): the lock is another's now
    if ((await readOwner(dir)) === owner) await rm(dir, { recursive: true, force: true });
  }
}

async function acquire(dir: string, owner: string, opts: FolderLockOptions): Promise<void> {
  const deadline = Date.now() + opts.waitMs;
  let delay = 10;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, OWNER), owner);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await abandoned(dir, opts.staleMs)) {
      await breakLock(dir);
      continue;
    }
    if (Date.now() >= deadline) throw opts.busy();
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

async function readOwner(dir: string): Promise<string | undefined> {
  return readFile(path.join(dir, OWNER), 'utf8').catch(() => undefined);
}

/** Whether the lock's holder is gone: a dead process on this host, or no refresh for `staleMs`. */
async function abandoned(dir: string, staleMs: number): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return false; // released meanwhile: try again at once
  if (Date.now() - info.mtimeMs > staleMs) return true;
  const holder = /^(\d+)@(.*):[0-9a-f]+$/.exec((await readOwner(dir)) ?? '');
  return holder !== null && holder[2] === os.hostname() && !processAlive(Number(holder[1]));
}

/** Moves an abandoned lock aside (atomic: of two processes breaking it, one does), then deletes it. */
async function breakLock(dir: string): Promise<void> {
  const aside = `${dir}.broken-${randomBytes(4).toString('hex')}`;
  try {
    await rename(dir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
