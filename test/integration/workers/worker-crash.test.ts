// A worker killed with SIGKILL in the middle of `train-recommend`: the version in service is
// untouched, no half-written version appears, and the job is handed to another worker (the
// stalled-job check) and run to completion. Real processes (`affinity work`), real Redis.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecommender, RECOMMEND_KIND, registryRoot } from '../../../services/recommend/index.ts';
import { loadConfig } from '../../../shared/config/index.ts';
import { JobQueue, type JobState } from '../../../shared/queues/index.ts';
import { ModelRegistry } from '../../../shared/registry/index.ts';
import { type AffinityProcess, importMovieLens100k, spawnAffinity, systemEnv } from '../../support/affinity-process.ts';
import { deleteKeysUnder, testRedis, until, type TestRedis } from '../../support/redis.ts';

describe('a worker SIGKILLed mid-training', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let queue: JobQueue;
  const workers: AffinityProcess[] = [];

  async function finished(id: string, deadlineMs: number): Promise<JobState> {
    let state: JobState | undefined;
    await until(`job ${id} to finish`, deadlineMs, async () => {
      state = await queue.get(id);
      return state?.state === 'completed' || state?.state === 'failed';
    }, 100);
    return state!;
  }

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-crash-'));
    env = {
      ...systemEnv(dataDir, redis.url),
      LOG_LEVEL: 'info',
      // a dead worker's job is noticed within seconds, not the default 30 s
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    };
    queue = new JobQueue(redis.url, env.REDIS_PREFIX!);
    await importMovieLens100k(env);
  });
  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await queue.close();
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves the current version in service and the retried job completes', { timeout: 240_000 }, async () => {
    const registry = new ModelRegistry(registryRoot(loadConfig({}, env)));
    const first = spawnAffinity(['work'], env);
    workers.push(first);
    const v1job = await finished(await queue.enqueue('train-recommend', { tune: false }), 120_000);
    expect(v1job.state, JSON.stringify(v1job)).toBe('completed');
    const v1 = (await registry.current(RECOMMEND_KIND))!.manifest.version;
    const versionsBefore = (await registry.list(RECOMMEND_KIND)).map((v) => v.manifest.version);

    const id = await queue.enqueue('train-recommend', { tune: false, seed: 9 });
    // in the middle: the training thread has started reporting
    await until('training under way', 60_000, async () => {
      const s = await queue.get(id);
      return s?.state === 'active' && (s.progress?.percent ?? 0) > 5;
    }, 20);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // nothing changed on disk: same version in service, no new (or partial) version
    expect((await registry.current(RECOMMEND_KIND))!.manifest.version).toBe(v1);
    expect((await registry.list(RECOMMEND_KIND)).map((v) => v.manifest.version)).toEqual(versionsBefore);
    expect(readdirSync(path.join(registryRoot(loadConfig({}, env)), RECOMMEND_KIND)).filter((n) => n.startsWith('v') && !versionsBefore.includes(n))).toEqual([]);
    expect((await queue.get(id))!.state).toBe('active'); // still held by the dead worker's lock

    const second = spawnAffinity(['work'], env);
    workers.push(second);
    const done = await finished(id, 120_000);
    expect(done.state, JSON.stringify(done)).toBe('completed');
    expect(['promoted', 'rejected']).toContain((done.result as { status: string }).status);
    // whatever is in service now loads and recommends
    const current = (await registry.current(RECOMMEND_KIND))!;
    const model = await loadRecommender(current);
    expect(model.itemIds.length).toBe(1682);
    expect(second.output()).toMatch(/train-recommend finished/);
  });
});
