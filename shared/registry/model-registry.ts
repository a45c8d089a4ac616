import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { appError, isAppError } from '../errors/index.ts';
import { withFolderLock } from '../fs/folder-lock.ts';
import { writeFileDurably } from '../fs/write-file-durably.ts';
import { processAlive } from '../process/process-alive.ts';
import { writeFolderAtomically, type FolderFile } from '../fs/write-folder-atomically.ts';
import { CANDIDATE_GRACE_MS, versionsToPrune, type RetentionPolicy } from './retention-plan.ts';

export type VersionStatus = 'candidate' | 'promoted' | 'rejected' | 'retired';

/** What a version folder's manifest.json says. */
export interface VersionManifest {
  kind: string;
  version: string;
  created: string;
  status: VersionStatus;
  /** The version that was current when this one was trained. */
  parent: string | null;
  /** The version it replaced in service when last promoted (by a training run or by hand): where a rollback goes. */
  replaced?: string | null;
  /** Fingerprint of the data it was trained on (counts, last event, hash). */
  data: Record<string, unknown>;
  metrics: Record<string, number>;
  /** Why it was rejected or retired, when it was. */
  note?: string;
  /** sha256 (hex) of every file of the version, checked before the version is loaded. */
  files?: Record<string, string>;
  [extra: string]: unknown;
}

export interface ModelVersion {
  manifest: VersionManifest;
  dir: string;
}

const KIND = /^[a-z][a-z0-9-]{0,63}$/;
const VERSION = /^v\d{8}T\d{9}-[0-9a-f]{6}$/;
const MANIFEST = 'manifest.json';
const CURRENT = 'CURRENT';
/** The versions put in service, oldest first, the current one last: what rollbacks walk back through. */
const HISTORY = 'HISTORY';
/** A kind's lock (a folder, see folder-lock.ts): held while a process reads and changes what is in service. */
const LOCK = '.lock';
/** A lock not refreshed for this long belongs to a dead (or frozen) process and is taken over. */
const LOCK_STALE_MS = 10_000;
/** How long a promotion or training decision waits for another process's lock. */
const LOCK_WAIT_MS = 12_000;
/** Entries HISTORY keeps: rollbacks further back than this are not needed. */
const HISTORY_LIMIT = 100;

/**
 * The service history as it must be with `current` in service: anything after its last entry
 * is dropped (a promotion that a crash stopped between HISTORY and CURRENT), and it is added
 * when missing (a registry from before HISTORY was kept, or a rollback a crash stopped).
 */
function historyEndingAt(history: readonly string[], current: string | undefined): string[] {
  if (!current) return [...history];
  const at = history.lastIndexOf(current);
  return at >= 0 ? history.slice(0, at + 1) : [...history, current];
}
/** What a reload compares with the served version when the CURRENT file names none (it then falls back). */
export const UNREADABLE_CURRENT = '(unreadable)';
/** A version folder on its way out: renamed first (atomic, and no longer a version), then deleted. */
const TRASH = /^\.trash-/;
/** A lock moved aside to be deleted (folder-lock.ts) that a crash left. */
const BROKEN_LOCK = /^\.lock\.broken-/;
/** A version folder being written (write-folder-atomically.ts): `.<version>.tmp-<pid>-<random>`. */
const WRITING = /^\.v[^/]*\.tmp-(\d+)-[0-9a-f]+$/;

function check(kind: string, version?: string): void {
  if (!KIND.test(kind)) throw appError('REGISTRY_INVALID_NAME', `"${kind}" is not a model kind`, { kind });
  if (version !== undefined && !VERSION.test(version)) throw appError('REGISTRY_INVALID_NAME', `"${version}" is not a version name`, { version });
}

let lastIssuedMs = 0;

/**
 * Sortable, unique version names: `v20261123T110400123-a1b2c3`. Within a process the names
 * sort in the order they were issued, even two in one millisecond (the later is dated 1 ms on):
 * rollback and retention go by that order.
 */
export function newVersionName(now = new Date()): string {
  const ms = Math.max(now.getTime(), lastIssuedMs + 1);
  lastIssuedMs = ms;
  const stamp = new Date(ms).toISOString().replace(/[-:.Z]/g, '');
  return `v${stamp.slice(0, 8)}T${stamp.slice(9, 18)}-${randomBytes(3).toString('hex')}`;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Replaces a small file atomically: a temporary file written and synced, renamed over it, the folder synced. */
async function replaceFileDurably(file: string, data: string): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFileDurably(tmp, data);
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Versions of trained models on disk: `<root>/<kind>/<version>/` with a manifest, and a
 * `CURRENT` file naming the version in service, replaced atomically. A version folder appears
 * whole or not at all, so a crash never leaves a partial version, let alone a current one.
 */
export class ModelRegistry {
  constructor(readonly root: string) {}

  /**
   * Writes a new version (status `candidate`) and returns it; not current until promoted.
   * @example const v = await registry.publish('recommend', files, { metrics: { ndcg_at_10: 0.5 }, data: { events: 100000 } })
   */
  async publish(kind: string, files: FolderFile[], meta: { metrics: Record<string, number>; data: Record<string, unknown>; [k: string]: unknown }): Promise<ModelVersion> {
    check(kind);
    const version = newVersionName();
    // a damaged CURRENT file: no parent recorded (this version can then repair it)
    const current = await this.currentVersionName(kind).catch(() => undefined);
    const hashes = Object.fromEntries(files.map((f) => [f.path, sha256(f.data)]));
    const manifest: VersionManifest = { ...meta, kind, version, created: new Date().toISOString(), status: 'candidate', parent: current ?? null, files: hashes };
    const dir = path.join(this.root, kind, version);
    await writeFolderAtomically(dir, [...files, { path: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2)) }]);
    return { manifest, dir };
  }

  async get(kind: string, version: string): Promise<ModelVersion> {
    check(kind, version);
    const dir = path.join(this.root, kind, version);
    let raw: string;
    try {
      raw = await readFile(path.join(dir, MANIFEST), 'utf8');
    } catch {
      throw appError('REGISTRY_VERSION_NOT_FOUND', `no version ${version} of ${kind}`, { kind, version });
    }
    try {
      return { manifest: JSON.parse(raw) as VersionManifest, dir };
    } catch {
      throw appError('REGISTRY_VERSION_CORRUPT', `the manifest of ${kind} ${version} is not valid JSON`, { kind, version });
    }
  }

  /**
   * Checks every file of a version against the sha256 its manifest recorded at publish time;
   * throws `REGISTRY_VERSION_CORRUPT` naming the first file that is missing or differs.
   */
  async verify(v: ModelVersion): Promise<void> {
    for (const [file, expected] of Object.entries(v.manifest.files ?? {})) {
      let data: Buffer;
      try {
        data = await readFile(path.join(v.dir, file));
      } catch {
        throw appError('REGISTRY_VERSION_CORRUPT', `${v.manifest.kind} ${v.manifest.version}: ${file} is missing`, { kind: v.manifest.kind, version: v.manifest.version, file });
      }
      if (sha256(data) !== expected) {
        throw appError('REGISTRY_VERSION_CORRUPT', `${v.manifest.kind} ${v.manifest.version}: ${file} does not match its checksum`, { kind: v.manifest.kind, version: v.manifest.version, file });
      }
    }
  }

  /**
   * Loads the version to serve: the current one if it verifies and loads, else the newest
   * earlier version that was once in service and does (a corrupt file never reaches serving;
   * `onRefused` hears why each one was passed over). Resolves undefined when none is usable.
   */
  async loadServable<T>(
    kind: string,
    load: (v: ModelVersion) => Promise<T>,
    onRefused: (version: string, err: unknown) => void = () => undefined,
  ): Promise<{ version: ModelVersion; model: T; fallback: boolean } | undefined> {
    let currentName: string | undefined;
    try {
      currentName = await this.currentVersionName(kind);
      if (!currentName) return undefined;
    } catch (err) {
      // CURRENT itself is damaged: every version once in service is a candidate, newest first
      onRefused(CURRENT, err);
    }
    const earlier = (await this.list(kind))
      .filter((v) => (currentName === undefined || v.manifest.version < currentName) && (v.manifest.status === 'retired' || v.manifest.status === 'promoted'))
      .reverse()
      .map((v) => v.manifest.version);
    const candidates = currentName === undefined ? earlier : [currentName, ...earlier];
    for (const [i, name] of candidates.entries()) {
      try {
        const v = await this.get(kind, name);
        await this.verify(v);
        return { version: v, model: await load(v), fallback: i > 0 || currentName === undefined };
      } catch (err) {
        onRefused(name, err);
      }
    }
    return undefined;
  }

  /** Every version of a kind, oldest first. */
  async list(kind: string): Promise<ModelVersion[]> {
    check(kind);
    const base = path.join(this.root, kind);
    if (!existsSync(base)) return [];
    const names = (await readdir(base)).filter((n) => VERSION.test(n)).sort();
    const out: ModelVersion[] = [];
    for (const n of names) out.push(await this.get(kind, n).catch(() => undefined as never));
    return out.filter(Boolean);
  }

  /**
   * The name of the version in service: undefined when there is none; `REGISTRY_VERSION_CORRUPT`
   * when the CURRENT file names no version (damaged: promoting a version repairs it).
   */
  async currentName(kind: string): Promise<string | undefined> {
    check(kind);
    return this.currentVersionName(kind);
  }

  private async currentVersionName(kind: string): Promise<string | undefined> {
    const file = path.join(this.root, kind, CURRENT);
    if (!existsSync(file)) return undefined;
    const v = (await readFile(file, 'utf8')).trim();
    if (!VERSION.test(v)) throw appError('REGISTRY_VERSION_CORRUPT', `${kind}: the ${CURRENT} file names no version (promote one to repair it)`, { kind, file: CURRENT });
    return v;
  }

  /**
   * The version in service, or undefined when there is none or it cannot be read (a damaged
   * CURRENT file or manifest; `onUnreadable` hears why): for callers that must carry on without
   * it, such as a training run whose new version can repair the registry.
   */
  async currentIfReadable(kind: string, onUnreadable: (err: unknown) => void = () => undefined): Promise<ModelVersion | undefined> {
    try {
      return await this.current(kind);
    } catch (err) {
      onUnreadable(err);
      return undefined;
    }
  }

  /** The version in service, if any. */
  async current(kind: string): Promise<ModelVersion | undefined> {
    check(kind);
    const v = await this.currentVersionName(kind);
    return v ? this.get(kind, v) : undefined;
  }

  /** Makes `version` current (atomically) and marks the one it replaces as retired. */
  async promote(kind: string, version: string): Promise<ModelVersion> {
    return this.locked(kind, () => this.promoteLocked(kind, version));
  }

  /**
   * Puts a freshly trained candidate in service or rejects it, deciding and acting under the
   * kind's lock, so that two trainings (or a training and a promotion by hand), in one process or
   * several, never both act on the version they each saw in service. A candidate trained on
   * data read before the version now in service read its own is rejected whatever `gate` says:
   * it would put older data back in service.
   * @example await registry.decide('intents', v, (current) => (better(current) ? { promote: true } : { promote: false, note: 'worse' }))
   */
  async decide(
    kind: string,
    version: string,
    gate: (current: ModelVersion | undefined) => { promote: true } | { promote: false; note: string },
  ): Promise<{ promoted: boolean; current: ModelVersion | undefined; note?: string }> {
    return this.locked(kind, async () => {
      const current = await this.currentIfReadable(kind);
      const candidate = await this.get(kind, version);
      const stale = trainedOnOlderData(candidate.manifest, current?.manifest);
      const verdict = stale ? { promote: false as const, note: stale } : gate(current);
      if (verdict.promote) {
        await this.promoteLocked(kind, version);
        return { promoted: true, current };
      }
      await this.setStatus(kind, version, 'rejected', verdict.note);
      return { promoted: false, current, note: verdict.note };
    });
  }

  private async promoteLocked(kind: string, version: string, opts: { rollback?: boolean } = {}): Promise<ModelVersion> {
    const target = await this.get(kind, version);
    await this.verify(target); // a damaged version never becomes current
    // a damaged CURRENT (or previous manifest) must not stop the promotion that repairs it
    const previous = await this.currentVersionName(kind).catch(() => undefined);
    // the history first: a crash before CURRENT changes leaves an entry that the next reading drops
    if (!opts.rollback) {
      const history = historyEndingAt(await this.readHistory(kind), previous);
      if (history.at(-1) !== version) history.push(version);
      await this.writeHistory(kind, history);
    }
    await replaceFileDurably(path.join(this.root, kind, CURRENT), `${version}\n`);
    // a rollback keeps what the restored version had replaced, so that a second one goes further back
    const replaced = opts.rollback || !previous || previous === version ? (target.manifest.replaced ?? null) : previous;
    await this.setStatus(kind, version, 'promoted', undefined, { replaced });
    // a previous version whose manifest is damaged (or gone) keeps no status; a failing disk still fails the call
    if (previous && previous !== version) await this.setStatus(kind, previous, 'retired').catch(unlessUnreadable);
    return { ...target, manifest: { ...target.manifest, status: 'promoted', replaced } };
  }

  /**
   * Puts back the version that was in service before the current one and returns it: the
   * previous entry of the service history (HISTORY), so that rollbacks walk back through what
   * was served, in the order it was served, and a promotion by hand is undone like any other.
   * Entries whose version is gone (pruned) or damaged are passed over. For a registry without a
   * history, the version the current one replaced, its parent, or the newest earlier retired one.
   */
  async rollback(kind: string): Promise<ModelVersion> {
    return this.locked(kind, () => this.rollbackLocked(kind));
  }

  private async rollbackLocked(kind: string): Promise<ModelVersion> {
    const name = await this.currentVersionName(kind);
    if (!name) throw appError('REGISTRY_VERSION_NOT_FOUND', `${kind} has no version in service`, { kind });
    // a current version whose manifest is damaged can still be rolled back from (to the newest earlier one)
    const current = await this.get(kind, name).catch(() => undefined);
    const all = await this.list(kind);
    const usable = (v: string | null | undefined) => (v && v !== name ? all.find((x) => x.manifest.version === v && x.manifest.status !== 'candidate') : undefined);
    const history = historyEndingAt(await this.readHistory(kind), name).slice(0, -1);
    let target: ModelVersion | undefined;
    while (!target && history.length > 0) target = usable(history.pop());
    if (!target) {
      const earlier = all.filter((v) => v.manifest.version < name && v.manifest.status === 'retired');
      target = usable(current?.manifest.replaced) ?? (current?.manifest.parent ? earlier.find((v) => v.manifest.version === current.manifest.parent) : undefined) ?? earlier.at(-1);
    }
    if (!target) throw appError('REGISTRY_VERSION_NOT_FOUND', `${kind} has no earlier version to roll back to`, { kind });
    // the history first: a crash before CURRENT changes leaves the current version out of it, and the next reading puts it back
    await this.writeHistory(kind, [...history, target.manifest.version]);
    const restored = await this.promoteLocked(kind, target.manifest.version, { rollback: true });
    if (current) await this.setStatus(kind, name, 'retired', `rolled back to ${target.manifest.version}`);
    return restored;
  }

  /** The service history; empty when there is none or it cannot be read (a rollback then falls back on the manifests). */
  private async readHistory(kind: string): Promise<string[]> {
    try {
      const names = (await readFile(path.join(this.root, kind, HISTORY), 'utf8')).split('\n').map((l) => l.trim());
      return names.filter((n) => VERSION.test(n));
    } catch {
      return [];
    }
  }

  private async writeHistory(kind: string, history: readonly string[]): Promise<void> {
    await replaceFileDurably(path.join(this.root, kind, HISTORY), history.slice(-HISTORY_LIMIT).map((v) => `${v}\n`).join(''));
  }

  /** Records that a candidate was not put in service, and why. */
  async reject(kind: string, version: string, note: string): Promise<void> {
    await this.locked(kind, () => this.setStatus(kind, version, 'rejected', note));
  }

  private async setStatus(kind: string, version: string, status: VersionStatus, note?: string, extra: Partial<VersionManifest> = {}): Promise<void> {
    const { manifest, dir } = await this.get(kind, version);
    await replaceFileDurably(path.join(dir, MANIFEST), JSON.stringify({ ...manifest, ...extra, status, ...(note ? { note } : {}) }, null, 2));
  }

  /** Deletes a version that is not current. */
  async remove(kind: string, version: string): Promise<void> {
    await this.locked(kind, () => this.removeLocked(kind, version));
  }

  private async removeLocked(kind: string, version: string): Promise<void> {
    if ((await this.currentVersionName(kind)) === version) {
      throw appError('REGISTRY_VERSION_IN_SERVICE', `${kind} ${version} is in service`, { kind, version });
    }
    await this.get(kind, version);
    await this.discard(kind, version);
  }

  /**
   * Deletes the versions of a kind that `policy` does not keep (see {@link versionsToPrune}):
   * the version in service and recent rollback targets stay. Returns the names deleted.
   * @example await registry.prune('recommend', { keep: 5 })
   */
  async prune(kind: string, policy: RetentionPolicy, now = Date.now()): Promise<string[]> {
    return this.locked(kind, () => this.pruneLocked(kind, policy, now));
  }

  private async pruneLocked(kind: string, policy: RetentionPolicy, now: number): Promise<string[]> {
    const versions = (await this.list(kind)).map((v) => v.manifest);
    const doomed = versionsToPrune(versions, await this.currentVersionName(kind), policy, now, await this.readHistory(kind));
    const removed: string[] = [];
    for (const version of doomed) if (await this.discard(kind, version)) removed.push(version);
    // folders a crash left half deleted, and versions a killed process left half written
    // (its pid gone, or, since pids are reused, older than a candidate's grace period)
    const base = path.join(this.root, kind);
    if (existsSync(base)) {
      for (const name of await readdir(base)) {
        const writing = WRITING.exec(name);
        const abandoned = writing && (!processAlive(Number(writing[1])) || now - (await stat(path.join(base, name))).mtimeMs > (policy.candidateGraceMs ?? CANDIDATE_GRACE_MS));
        if (TRASH.test(name) || BROKEN_LOCK.test(name) || abandoned) await rm(path.join(base, name), { recursive: true, force: true });
      }
    }
    return removed;
  }

  /**
   * Renames a version folder out of the listing at once, then deletes it: a crash never leaves a
   * partial version. False when it is already gone (another process pruning at the same time).
   */
  private async discard(kind: string, version: string): Promise<boolean> {
    const trash = path.join(this.root, kind, `.trash-${version}-${randomBytes(3).toString('hex')}`);
    try {
      await rename(path.join(this.root, kind, version), trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await rm(trash, { recursive: true, force: true });
    return true;
  }

  /**
   * Runs `fn` holding the kind's lock (`<kind>/.lock`), waiting up to LOCK_WAIT_MS for another
   * process to release it; `REGISTRY_BUSY` after that. A lock whose holder died is taken over:
   * at once on this host, after LOCK_STALE_MS without a refresh from another.
   */
  private async locked<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    check(kind);
    const dir = path.join(this.root, kind);
    await mkdir(dir, { recursive: true });
    return withFolderLock(path.join(dir, LOCK), fn, {
      staleMs: LOCK_STALE_MS,
      waitMs: LOCK_WAIT_MS,
      busy: () => appError('REGISTRY_BUSY', `${kind}: another process kept the model registry locked; try again`, { kind }),
    });
  }

  async ensureRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}

/**
 * Why `candidate` must not replace `current`: it read its training data (`data.read_at`, ms)
 * before `current` read its own, so it knows less (a training that started earlier and finished
 * later). Undefined when it may (or when either does not say when it read its data).
 */
export function trainedOnOlderData(candidate: VersionManifest, current: VersionManifest | undefined): string | undefined {
  const mine = candidate.data.read_at;
  const theirs = current?.data.read_at;
  if (typeof mine !== 'number' || typeof theirs !== 'number' || mine >= theirs) return undefined;
  return `trained on data read at ${new Date(mine).toISOString()}, before ${current!.version} in service read its own (${new Date(theirs).toISOString()})`;
}

/** Swallows the registry's "cannot read that version" errors; rethrows anything else. */
function unlessUnreadable(err: unknown): void {
  if (isAppError(err) && (err.code === 'REGISTRY_VERSION_CORRUPT' || err.code === 'REGISTRY_VERSION_NOT_FOUND')) return;
  throw err;
}
