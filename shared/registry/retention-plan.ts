import type { VersionManifest } from './model-registry.ts';

/** How many versions of a kind the registry keeps (see {@link versionsToPrune}). */
export interface RetentionPolicy {
  /**
   * Versions kept besides the one in service, counted apart among those that were once in
   * service (rollback and fallback targets) and among the others (rejected candidates, and
   * candidates abandoned by a crash). 0 keeps every version.
   */
  keep: number;
  /**
   * A candidate younger than this may still be on its way to promotion or rejection by
   * another process: it is never removed.
   * @defaultValue 1 hour
   */
  candidateGraceMs?: number;
}

export const CANDIDATE_GRACE_MS = 60 * 60 * 1000;

/**
 * The versions to delete under `policy`, oldest first. Kept: the current version; the last
 * `keep` versions served before it (from the service history: where rollbacks go); the newest
 * `keep` versions once in service, and also the newest `keep` of those older than the current
 * one (what a rollback after a rollback needs, for a registry without a history); the newest `keep` rejected or abandoned
 * candidates; every candidate within its grace period.
 * @example versionsToPrune(manifests, 'v20261124T030000000-a1b2c3', { keep: 5 }, Date.now())
 */
export function versionsToPrune(
  versions: readonly VersionManifest[],
  current: string | undefined,
  policy: RetentionPolicy,
  now: number,
  /** The versions put in service, oldest first (the registry's HISTORY): the last `keep` before the current one are what rollbacks walk back to. */
  history: readonly string[] = [],
): string[] {
  if (!(policy.keep > 0)) return [];
  const grace = policy.candidateGraceMs ?? CANDIDATE_GRACE_MS;
  const newestFirst = [...versions].filter((v) => v.version !== current).sort((a, b) => (a.version < b.version ? 1 : -1));
  const served = newestFirst.filter((v) => v.status === 'promoted' || v.status === 'retired');
  const others = newestFirst.filter((v) => v.status === 'rejected' || (v.status === 'candidate' && now - Date.parse(v.created) >= grace));
  const rollbackTargets = new Set([...new Set([...history].reverse().filter((v) => v !== current))].slice(0, policy.keep));
  const kept = new Set([
    ...served.filter((v) => rollbackTargets.has(v.version)),
    ...served.slice(0, policy.keep),
    ...(current ? served.filter((v) => v.version < current).slice(0, policy.keep) : []),
    ...others.slice(0, policy.keep),
  ]);
  return [...served, ...others]
    .filter((v) => !kept.has(v))
    .map((v) => v.version)
    .sort();
}
