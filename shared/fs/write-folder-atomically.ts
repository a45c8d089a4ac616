/**
 * Writes a whole folder so that readers see either the old folder or the complete new one,
 * never a half-written one: files go to a temporary folder beside the target, are fsynced,
 * and the folder is renamed into place at the end (rename is atomic within a file system).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from './write-file-durably.ts';

/** A file to write: a path relative to the folder (forward slashes), and its bytes. */
export interface FolderFile {
  path: string;
  data: Uint8Array;
}

export interface WriteFolderOptions {
  /**
   * Called when the target already exists: return true if it already holds what we were
   * about to write (say, a deterministic generator run twice at once) and it is kept as it is.
   * @defaultValue always false: an existing folder is replaced
   */
  isEquivalent?: (existingDir: string) => Promise<boolean>;
  /**
   * Called when the target already exists and is not equivalent: return true to replace it.
   * Guards against an `--out` that points at a folder of someone else's files.
   * @defaultValue always false: an existing non-empty folder is an error
   */
  mayReplace?: (existingDir: string) => Promise<boolean>;
}

// A renamed or created entry is durable only once its parent folder is synced. Some systems
// (Windows) cannot open a folder for syncing; there the rename is as durable as it gets.
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort, see above
  } finally {
    await fh?.close();
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: string }).code ?? '');
}

/**
 * Writes `files` into `outDir` atomically. An existing non-empty `outDir` is kept when
 * `isEquivalent` says so, replaced when `mayReplace` says so, and is an error otherwise.
 * @example await writeFolderAtomically('models/tiny', [{ path: 'config.json', data: Buffer.from('{}') }]);
 */
export async function writeFolderAtomically(outDir: string, files: FolderFile[], opts: WriteFolderOptions = {}): Promise<void> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${path.basename(target)}.tmp-${suffix}`);
  await mkdir(parent, { recursive: true });
  try {
    await mkdir(tmp);
    const dirs = new Set<string>([tmp]);
    for (const f of files) {
      const file = path.join(tmp, ...f.path.split('/'));
      if (!file.startsWith(tmp + path.sep)) throw new RangeError(`file path "${f.path}" leaves the folder`);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        dirs.add(dir);
      }
      await writeFileDurably(file, f.data);
    }
    for (const dir of [...dirs].reverse()) await syncDir(dir);
    await placeFolder(tmp, target, suffix, opts);
    await syncDir(parent);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function placeFolder(tmp: string, target: string, suffix: string, opts: WriteFolderOptions): Promise<void> {
  try {
    await rename(tmp, target); // atomic when the target is absent (or an empty folder)
    return;
  } catch (err) {
    if (!isCode(err, 'ENOTEMPTY', 'EEXIST', 'EPERM', 'EISDIR')) throw err;
  }
  if (opts.isEquivalent && (await opts.isEquivalent(target))) return;
  if (!opts.mayReplace || !(await opts.mayReplace(target))) {
    throw new Error(`${target} already exists and is not a folder this writer may replace`);
  }
  // Swap: move the old folder aside, move the new one in, then delete the old one. A reader
  // in between may find no folder at all, but never a mix of old and new files.
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${suffix}`);
  await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (err) {
    await rename(old, target).catch(() => undefined); // put the old folder back
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
