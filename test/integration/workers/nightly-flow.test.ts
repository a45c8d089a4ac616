// The nightly flow end to end, as an operator runs it: `affinity import movielens` then
// `affinity jobs run nightly --wait --work --json` in child processes, over a real Redis,
// on ML-100K and a Banking77 sample (read from AFFINITY_SHARED_DIR, sampled into the test's
// temp folder). Every training stage must put a version in service with its metrics.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../shared/queues/index.ts';
import { registryRoot } from '../../../services/recommend/index.ts';
import { loadConfig } from '../../../shared/config/index.ts';
import { readCsv } from '../../../shared/datasets/read-csv.ts';
import { ModelRegistry } from '../../../shared/registry/index.ts';
import { runAffinity, systemEnv } from '../../support/affinity-process.ts';
import { sharedDir } from '../../support/paths.ts';
import { deleteKeysUnder, testRedis, type TestRedis } from '../../support/redis.ts';

const PER_INTENT = 25;

/** The first PER_INTENT utterances of every intent, as CSV. */
function banking77Sample(): string {
  const rows = readCsv(path.join(sharedDir(), 'data', 'banking77', 'train.csv'));
  const seen = new Map<string, number>();
  const kept = rows.filter((r) => {
    const n = seen.get(r.category!) ?? 0;
    seen.set(r.category!, n + 1);
    return n < PER_INTENT;
  });
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return ['text,category', ...kept.map((r) => `${quote(r.text!)},${r.category}`)].join('\n');
}

describe('nightly flow on ML-100K and a Banking77 sample', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-nightly-'));
    const sample = path.join(dataDir, 'banking77-sample.csv');
    writeFileSync(sample, banking77Sample());
    env = {
      ...systemEnv(dataDir, redis.url),
      CHAT_INTENTS_DATA: sample,
    };
  });
  afterAll(async () => {
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports, trains every model, promotes them with their metrics and reports each stage', { timeout: 300_000 }, async () => {
    const imported = await runAffinity(['import', 'movielens', '--data', path.join(sharedDir(), 'data', 'movielens-100k'), '--json'], env);
    expect(imported.code, imported.output).toBe(0);

    // the deployment's schedule, as its workers install it: a one-off run leaves it alone
    const schedules = new JobQueue(redis.url, env.REDIS_PREFIX!);
    await schedules.scheduleNightly('0 3 * * *', 'UTC');
    const run = await runAffinity(['jobs', 'run', 'nightly', '--payload', '{"tune":false}', '--wait', '--work', '--json'], env);
    expect(run.code, run.output).toBe(0);
    expect(await schedules.queue('affinity-train').getJobSchedulers()).toEqual([expect.objectContaining({ key: 'nightly', pattern: '0 3 * * *' })]);
    await schedules.close();
    // --json: stdout is the result alone (the in-process workers log on stderr)
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const out = run.json as {
      state: string;
      result: {
        failed: string[];
        stages: Record<string, { status: string; seconds: number; version?: string; metrics?: Record<string, number> }>;
        promoted: { kind: string; version: string; metrics: Record<string, number> }[];
      };
    };
    expect(out.state).toBe('completed');
    expect(out.result.failed).toEqual([]);
    expect(Object.keys(out.result.stages)).toEqual(['train-recommend', 'train-intents', 'train-sentiment', 'rebuild-index']);
    for (const stage of Object.values(out.result.stages)) expect(stage.seconds).toBeGreaterThanOrEqual(0);
    expect(out.result.promoted.map((p) => p.kind)).toEqual(['recommend', 'intents', 'sentiment']);

    // what the registry on disk holds is what the flow reported
    const registry = new ModelRegistry(registryRoot(loadConfig({}, env)));
    for (const p of out.result.promoted) {
      const current = (await registry.current(p.kind))!;
      expect(current.manifest.version).toBe(p.version);
      expect(current.manifest.status).toBe('promoted');
      expect(current.manifest.metrics).toEqual(p.metrics);
    }
    // real data gives real figures: far above chance on 1,682 items, 77 intents, 2 sentiments
    expect(out.result.promoted[0]!.metrics.ndcg_at_10).toBeGreaterThan(0.3);
    expect(out.result.promoted[1]!.metrics.holdout_accuracy).toBeGreaterThan(0.5);
    expect(out.result.promoted[2]!.metrics.holdout_accuracy).toBeGreaterThan(0.7);
    expect(out.result.promoted[1]!.metrics.n_train).toBe(77 * PER_INTENT);
    // the sentiment model's negative threshold, calibrated on a sample of the intent texts
    // (ordinary support messages): at most 5 % of them reach it, where at the floor more did
    const sentiment = out.result.promoted[2]!.metrics;
    expect(sentiment.reference_texts).toBe(1000);
    expect(sentiment.reference_negative_share).toBeLessThanOrEqual(0.05);
    expect(sentiment.reference_negative_share_at_floor).toBeGreaterThanOrEqual(sentiment.reference_negative_share!);
    expect(sentiment.negative_threshold).toBeGreaterThan(0);
  });

  it('--work with a --timeout shorter than the job: says at the timeout that this process finishes the job, and it does', { timeout: 300_000 }, async () => {
    const run = await runAffinity(['jobs', 'run', 'train-recommend', '--payload', '{"tune":false}', '--work', '--timeout', '1'], env);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/giving up waiting after 1 s; this process's workers finish job (train-\d+) before it exits/);
    const id = /finish job (train-\d+)/.exec(run.output)![1]!;
    expect(run.output).toMatch(new RegExp(`error JOB_WAIT_TIMEOUT: job ${id} was still (active|waiting) after 1 s; this process finished it before exiting`));
    const status = await runAffinity(['jobs', 'status', id, '--json'], env);
    expect((status.json as { state: string }).state).toBe('completed');
  });
});
