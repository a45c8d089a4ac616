import { describe, expect, it } from 'vitest';
import { newVersionName, type VersionManifest, type VersionStatus } from '../../../shared/registry/model-registry.ts';
import { versionsToPrune } from '../../../shared/registry/retention-plan.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;

/** Version `i` of a history, created i hours after a fixed start (names sort as they were made). */
function version(i: number, status: VersionStatus): VersionManifest {
  const created = new Date(Date.parse('2026-11-01T00:00:00Z') + i * HOUR);
  const stamp = created.toISOString().replace(/[-:.Z]/g, '');
  return { kind: 'recommend', version: `v${stamp.slice(0, 8)}T${stamp.slice(9, 18)}-00000${i % 10}`, created: created.toISOString(), status, parent: null, data: {}, metrics: {} };
}
const names = (vs: VersionManifest[]) => vs.map((v) => v.version);

describe('versionsToPrune', () => {
  // a nightly history: ten retired versions, three rejected, the newest in service
  const retired = Array.from({ length: 10 }, (_, i) => version(i, 'retired'));
  const rejected = [version(10, 'rejected'), version(11, 'rejected'), version(12, 'rejected')];
  const current = version(13, 'promoted');
  const all = [...retired, ...rejected, current];

  it('keeps everything when keep is 0', () => {
    expect(versionsToPrune(all, current.version, { keep: 0 }, NOW)).toEqual([]);
  });

  it('keeps the version in service, the newest once-served ones and the newest rejected ones', () => {
    expect(versionsToPrune(all, current.version, { keep: 3 }, NOW)).toEqual(names(retired.slice(0, 7)));
    expect(versionsToPrune(all, current.version, { keep: 1 }, NOW)).toEqual(names([...retired.slice(0, 9), ...rejected.slice(0, 2)]));
  });

  it('never deletes the version in service, however old', () => {
    const rolledBackTo = retired[0]!;
    expect(versionsToPrune(all, rolledBackTo.version, { keep: 1 }, NOW)).not.toContain(rolledBackTo.version);
  });

  it('after a rollback, still keeps what a further rollback needs: the newest versions older than the one in service', () => {
    // rolled back from the newest to retired[4]: versions 5–9 and 13 are newer than it
    const history = [...retired, { ...current, status: 'retired' as const }];
    const doomed = versionsToPrune(history, retired[4]!.version, { keep: 2 }, NOW);
    expect(doomed).not.toContain(retired[3]!.version);
    expect(doomed).not.toContain(retired[2]!.version);
    expect(doomed).toContain(retired[1]!.version);
    expect(doomed).not.toContain(current.version); // the newest two overall stay too
    expect(doomed).not.toContain(retired[9]!.version);
    expect(doomed).toContain(retired[8]!.version);
  });

  it('keeps the last versions served before the current one, whatever their age: where rollbacks go', () => {
    // v1 served, v2 trained and rolled back (v1 again), then v3 trained over v1: v1 is older than v2
    const [v1, v2, v3] = [version(0, 'retired'), version(1, 'retired'), version(2, 'promoted')];
    const served = [v1.version, v2.version, v1.version, v3.version];
    expect(versionsToPrune([v1, v2, v3], v3.version, { keep: 1 }, NOW, served)).toEqual([]);
    // without the history, age alone decides: v2 (newer) stays, v1 goes
    expect(versionsToPrune([v1, v2, v3], v3.version, { keep: 1 }, NOW)).toEqual([v1.version]);
    // with more versions than keep, the history's last `keep` are kept besides the newest
    const older = Array.from({ length: 6 }, (_, i) => version(3 + i, 'retired'));
    const now = version(9, 'promoted');
    const doomed = versionsToPrune([v1, v2, ...older, now], now.version, { keep: 2 }, NOW, [v1.version, older[5]!.version, v2.version, now.version]);
    expect(doomed).not.toContain(v2.version);
    expect(doomed).not.toContain(older[5]!.version);
    expect(doomed).toContain(v1.version);
  });

  it('leaves a recent candidate alone (another process may be about to promote it) and counts an abandoned one as rejected', () => {
    const young = { ...version(14, 'candidate'), created: new Date(NOW - 5 * 60_000).toISOString() };
    const abandoned = { ...version(9, 'candidate'), created: new Date(NOW - 3 * HOUR).toISOString() };
    const doomed = versionsToPrune([...all.filter((v) => v.version !== abandoned.version), abandoned, young], current.version, { keep: 1 }, NOW);
    expect(doomed).not.toContain(young.version);
    expect(doomed).toContain(abandoned.version);
    expect(versionsToPrune([young], undefined, { keep: 1, candidateGraceMs: 60_000 }, NOW)).toEqual([]);
    expect(versionsToPrune([young, version(15, 'rejected')], undefined, { keep: 1, candidateGraceMs: 60_000 }, NOW)).toEqual([young.version]);
  });
});

describe('newVersionName', () => {
  it('names versions made in the same millisecond in the order they were made', () => {
    const at = new Date('2026-11-24T12:00:00.000Z');
    const made = Array.from({ length: 50 }, () => newVersionName(at));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(50);
  });
});
