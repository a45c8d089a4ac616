import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../shared/registry/index.ts';

describe('ModelRegistry on disk', () => {
  let root: string;
  let registry: ModelRegistry;
  const files = (text: string) => [{ path: 'model.bin', data: Buffer.from(text) }];

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'affinity-registry-'));
    registry = new ModelRegistry(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('publishes candidates that are not current until promoted, then retires the one replaced', async () => {
    const a = await registry.publish('recommend', files('A'), { metrics: { ndcg_at_10: 0.4 }, data: { events: 10 } });
    expect(a.manifest).toMatchObject({ kind: 'recommend', status: 'candidate', parent: null, metrics: { ndcg_at_10: 0.4 } });
    expect(await registry.current('recommend')).toBeUndefined();
    await registry.promote('recommend', a.manifest.version);
    const b = await registry.publish('recommend', files('B'), { metrics: { ndcg_at_10: 0.5 }, data: { events: 20 } });
    expect(b.manifest.parent).toBe(a.manifest.version);
    await registry.promote('recommend', b.manifest.version);
    const current = await registry.current('recommend');
    expect(current?.manifest.version).toBe(b.manifest.version);
    expect(await readFile(path.join(current!.dir, 'model.bin'), 'utf8')).toBe('B');
    expect((await registry.get('recommend', a.manifest.version)).manifest.status).toBe('retired');
    expect((await registry.list('recommend')).map((v) => v.manifest.version)).toEqual([a.manifest.version, b.manifest.version]);
  });

  it('keeps a rejected candidate with its note and metrics, and the current version stays', async () => {
    const a = await registry.publish('intents', files('A'), { metrics: { accuracy: 0.9 }, data: {} });
    await registry.promote('intents', a.manifest.version);
    const worse = await registry.publish('intents', files('W'), { metrics: { accuracy: 0.8 }, data: {} });
    await registry.reject('intents', worse.manifest.version, 'accuracy 0.8 < 0.9');
    expect((await registry.get('intents', worse.manifest.version)).manifest).toMatchObject({ status: 'rejected', note: 'accuracy 0.8 < 0.9' });
    expect((await registry.current('intents'))?.manifest.version).toBe(a.manifest.version);
    await expect(registry.remove('intents', a.manifest.version)).rejects.toMatchObject({ code: 'REGISTRY_VERSION_IN_SERVICE' });
  });

  it('ignores half-written folders a crash left behind', async () => {
    mkdirSync(path.join(root, 'recommend', '.v20260101T000000000-abcdef.tmp-1-x'), { recursive: true });
    writeFileSync(path.join(root, 'recommend', '.v20260101T000000000-abcdef.tmp-1-x', 'model.bin'), 'partial');
    expect(await registry.list('recommend')).toEqual([]);
    expect(await registry.current('recommend')).toBeUndefined();
  });

  /** Publishes and promotes `n` versions one after the other; their names, oldest first. */
  async function servedInTurn(n: number, prefix: string): Promise<string[]> {
    const made: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = await registry.publish('recommend', files(`${prefix}${i}`), { metrics: {}, data: {} });
      await registry.promote('recommend', v.manifest.version);
      made.push(v.manifest.version);
    }
    return made;
  }

  it('prunes old versions after trainings, keeping the one in service and what rollback needs', async () => {
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      const v = await registry.publish('recommend', files(`V${i}`), { metrics: { ndcg_at_10: 0.4 }, data: {} });
      made.push(v.manifest.version);
      if (i === 3) await registry.reject('recommend', v.manifest.version, 'worse');
      else await registry.promote('recommend', v.manifest.version);
    }
    // a folder a crash left half deleted, one a killed writer left half written, and one being written now
    mkdirSync(path.join(root, 'recommend', `.trash-${made[0]}-abcdef`));
    mkdirSync(path.join(root, 'recommend', `.${made[5]}.tmp-999999999-0a1b2c3d`));
    const writing = `.${made[5]}.tmp-${process.pid}-0a1b2c3d`;
    mkdirSync(path.join(root, 'recommend', writing));
    const removed = await registry.prune('recommend', { keep: 2 });
    // in service: V5; once served, newest two: V4, V2; rejected: V3
    expect(removed).toEqual([made[0], made[1]]);
    expect((await registry.list('recommend')).map((v) => v.manifest.version)).toEqual(made.slice(2));
    expect(readdirSync(path.join(root, 'recommend')).filter((n) => n.startsWith('.'))).toEqual([writing]);
    expect(existsSync(path.join(root, 'recommend', made[0]!))).toBe(false);
    expect((await registry.rollback('recommend')).manifest.version).toBe(made[4]);
    expect((await registry.rollback('recommend')).manifest.version).toBe(made[2]);
    expect(await registry.prune('recommend', { keep: 0 })).toEqual([]);
  });

  it('rolls back to the version in service before, also after a promotion by hand to an older one', async () => {
    const [a, b, c, d] = await servedInTurn(4, 'R');
    // D in service; B put back by hand: a rollback undoes that (D), not B's training-time parent (A)
    await registry.promote('recommend', b!);
    expect((await registry.rollback('recommend')).manifest.version).toBe(d);
    // and rollbacks go on back through what was served: C, B, A, then nothing (never round again to D)
    expect((await registry.rollback('recommend')).manifest.version).toBe(c);
    expect((await registry.rollback('recommend')).manifest.version).toBe(b);
    expect((await registry.rollback('recommend')).manifest.version).toBe(a);
    await expect(registry.rollback('recommend')).rejects.toMatchObject({ code: 'REGISTRY_VERSION_NOT_FOUND' });
    expect((await registry.current('recommend'))?.manifest.version).toBe(a);
  });

  it('pruning keeps the version a rollback goes to, even when a newer one was rolled away from', async () => {
    const [v1, v2] = await servedInTurn(2, 'P');
    expect((await registry.rollback('recommend')).manifest.version).toBe(v1); // v2 rolled away from
    const [v3] = await servedInTurn(1, 'Q');
    await registry.prune('recommend', { keep: 1 });
    expect((await registry.list('recommend')).map((v) => v.manifest.version)).toContain(v1);
    expect((await registry.rollback('recommend')).manifest.version).toBe(v1);
    expect((await registry.current('recommend'))?.manifest.version).not.toBe(v2);
    expect(v3).toBeDefined();
  });

  it('keeps its service history straight across a crash between the history and CURRENT, and without one', async () => {
    const [a, b, c] = await servedInTurn(3, 'H');
    const historyFile = path.join(root, 'recommend', 'HISTORY');
    expect((await readFile(historyFile, 'utf8')).trim().split('\n')).toEqual([a, b, c]);
    // a promotion of a new version that a crash stopped after writing the history: C is still in service
    const d = (await registry.publish('recommend', files('H3'), { metrics: {}, data: {} })).manifest.version;
    writeFileSync(historyFile, [a, b, c, d].join('\n') + '\n');
    expect((await registry.rollback('recommend')).manifest.version).toBe(b);
    // a registry from before the history was kept: the manifests' `replaced` still lead back
    await registry.promote('recommend', c!);
    rmSync(historyFile);
    expect((await registry.rollback('recommend')).manifest.version).toBe(b);
    // and from there the history is kept again
    expect((await readFile(historyFile, 'utf8')).trim().split('\n')).toEqual([b]);
    await registry.promote('recommend', c!);
    expect((await readFile(historyFile, 'utf8')).trim().split('\n')).toEqual([b, c]);
  });

  it('lets two processes prune at once: each version is deleted once, neither fails', async () => {
    const made = await servedInTurn(8, 'V');
    const other = new ModelRegistry(root);
    const [a, b] = await Promise.all([registry.prune('recommend', { keep: 1 }), other.prune('recommend', { keep: 1 })]);
    expect([...a, ...b].sort()).toEqual(made.slice(0, 6));
    expect((await registry.list('recommend')).map((v) => v.manifest.version)).toEqual(made.slice(6));
  });

  it('decides trainings one at a time: of six deciding at once against "promote only when none serves", one is promoted', async () => {
    // six registries on one folder, as six processes: the lock is a folder on disk
    const candidates = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => registry.publish('intents', files(`C${i}`), { metrics: {}, data: {} })));
    const outcomes = await Promise.all(
      candidates.map((c) => new ModelRegistry(root).decide('intents', c.manifest.version, (current) => (current ? { promote: false, note: `${current.manifest.version} serves` } : { promote: true }))),
    );
    expect(outcomes.filter((o) => o.promoted)).toHaveLength(1);
    const winner = candidates[outcomes.findIndex((o) => o.promoted)]!.manifest.version;
    expect((await registry.current('intents'))?.manifest.version).toBe(winner);
    expect((await readFile(path.join(root, 'intents', 'HISTORY'), 'utf8')).trim().split('\n')).toEqual([winner]);
    for (const [i, o] of outcomes.entries()) {
      if (o.promoted) continue;
      expect(o.note).toBe(`${winner} serves`);
      expect((await registry.get('intents', candidates[i]!.manifest.version)).manifest.status).toBe('rejected');
    }
    expect(existsSync(path.join(root, 'intents', '.lock'))).toBe(false);
  });

  it('never lets a version trained on older data replace one trained on newer data, whatever its gate says', async () => {
    const older = await registry.publish('recommend', files('old'), { metrics: { ndcg_at_10: 0.6 }, data: { read_at: 1_000 } });
    const newer = await registry.publish('recommend', files('new'), { metrics: { ndcg_at_10: 0.4 }, data: { read_at: 2_000 } });
    expect(await registry.decide('recommend', newer.manifest.version, () => ({ promote: true }))).toMatchObject({ promoted: true });
    const late = await registry.decide('recommend', older.manifest.version, () => ({ promote: true }));
    expect(late).toMatchObject({ promoted: false, note: expect.stringContaining(`before ${newer.manifest.version} in service read its own`) });
    expect((await registry.current('recommend'))?.manifest.version).toBe(newer.manifest.version);
    expect((await registry.get('recommend', older.manifest.version)).manifest.status).toBe('rejected');
    // by hand it can: the operator means it
    await registry.promote('recommend', older.manifest.version);
    expect((await registry.current('recommend'))?.manifest.version).toBe(older.manifest.version);
  });

  it('waits for a lock another process holds, and takes over one whose holder died', async () => {
    const a = await registry.publish('recommend', files('A'), { metrics: {}, data: {} });
    const lock = path.join(root, 'recommend', '.lock');
    // held by a live process: the promotion waits for its release
    mkdirSync(lock);
    let released = false;
    setTimeout(() => {
      released = true;
      rmSync(lock, { recursive: true });
    }, 300);
    await registry.promote('recommend', a.manifest.version);
    expect(released).toBe(true);
    // left by a process that died 20 s ago (a lock is refreshed every 5 s while held)
    const b = await registry.publish('recommend', files('B'), { metrics: {}, data: {} });
    mkdirSync(lock);
    const old = new Date(Date.now() - 20_000);
    utimesSync(lock, old, old);
    await registry.promote('recommend', b.manifest.version);
    expect((await registry.current('recommend'))?.manifest.version).toBe(b.manifest.version);
    expect(existsSync(lock)).toBe(false);
  });

  it.each(['../etc', 'Recommend', 'a/b', ''])('refuses the kind name %j', async (kind) => {
    await expect(registry.current(kind)).rejects.toMatchObject({ code: 'REGISTRY_INVALID_NAME' });
  });

  it('refuses version names that could escape the folder', async () => {
    await expect(registry.get('recommend', '../../x')).rejects.toMatchObject({ code: 'REGISTRY_INVALID_NAME' });
    await expect(registry.get('recommend', 'v20260101T000000000-abcdef')).rejects.toMatchObject({ code: 'REGISTRY_VERSION_NOT_FOUND' });
  });
});
