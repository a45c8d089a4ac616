// `affinity jobs run --work` and `affinity jobs status` as a script uses them: a job that failed
// makes both exit 1, so `affinity jobs status "$id" || alert` works. The job fails for a reason
// of the operator's: the intent training data it is pointed at does not exist.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAffinity, systemEnv } from '../../support/affinity-process.ts';
import { deleteKeysUnder, testRedis, type TestRedis } from '../../support/redis.ts';

describe('affinity jobs: exit status of a failed job', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-jobs-exit-'));
    env = { ...systemEnv(dataDir, redis.url), CHAT_INTENTS_DATA: path.join(dataDir, 'no-such-intents.csv') };
  });
  afterAll(async () => {
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('run --work and status both exit 1, and report the failure', { timeout: 120_000 }, async () => {
    const run = await runAffinity(['jobs', 'run', 'train-intents', '--work', '--json'], env);
    expect(run.code, run.output).toBe(1);
    const ran = run.json as { id: string; state: string; failedReason: string };
    expect(ran.state).toBe('failed');
    expect(ran.failedReason).toMatch(/CHAT_TRAINING_DATA_NOT_FOUND|no-such-intents/);

    const status = await runAffinity(['jobs', 'status', ran.id, '--json'], env);
    expect(status.code, status.output).toBe(1);
    expect((status.json as { state: string }).state).toBe('failed');

    const missing = await runAffinity(['jobs', 'status', 'train-999999', '--json'], env);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/JOB_NOT_FOUND/);
  });
});
