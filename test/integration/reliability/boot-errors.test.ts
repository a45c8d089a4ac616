// Mistakes an operator makes in the environment stop `affinity serve` at boot with a line that
// names the setting, instead of a stack trace or an API that stays up and is never ready.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAffinity, systemEnv } from '../../support/affinity-process.ts';
import { testPostgresUrl } from '../../support/postgres.ts';
import { freePort, testRedis, until, type TestRedis } from '../../support/redis.ts';

describe('boot errors of affinity serve', () => {
  let dataDir: string;
  let redis: TestRedis;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'affinity-boot-'));
    redis = await testRedis();
  });
  afterAll(async () => {
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const serve = async (env: Record<string, string>) => {
    const proc = spawnAffinity(['serve'], { ...systemEnv(dataDir, redis.url), PORT: String(await freePort()), HOST: '127.0.0.1', ...env });
    const { code } = await proc.exited;
    return { code, output: proc.output() };
  };

  it('an EMBED_MODEL that is neither a folder nor a model id: exits 1 naming it, after listening', { timeout: 60_000 }, async () => {
    const { code, output } = await serve({ EMBED_MODEL: path.join(dataDir, 'no-such-model'), LOG_LEVEL: 'info' });
    expect(code).toBe(1);
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { code?: string } });
    expect(lines.some((l) => l.msg.startsWith('Affinity API listening'))).toBe(true);
    const fatal = lines.find((l) => l.level === 60);
    expect(fatal?.err?.code).toBe('EMBED_MODEL_NOT_FOUND');
    expect(fatal?.msg).toMatch(/^the embedding model cannot be loaded \(EMBED_MODEL "[^"]*no-such-model" is neither a folder nor a Hugging Face model id\)/);
    expect(lines.at(-1)?.msg).toBe('stopped');
    // a clean stop: nothing else went wrong on the way out
    expect(lines.filter((l) => l.level >= 40 && l !== fatal)).toEqual([]);
  });

  it('a model folder without the encoder files: exits 1 naming what is missing', { timeout: 60_000 }, async () => {
    const folder = path.join(dataDir, 'empty-model');
    await mkdir(folder);
    const { code, output } = await serve({ EMBED_MODEL: folder });
    expect(code).toBe(1);
    expect(output).toContain(`${folder} has no`);
  });

  it('a REDIS_URL whose database is not a number: CONFIG_INVALID before anything starts', async () => {
    const { code, output } = await serve({ REDIS_URL: 'redis://127.0.0.1:6379/abc' });
    expect(code).toBe(1);
    expect(output).toMatch(/^error CONFIG_INVALID: invalid configuration:\n {2}REDIS_URL: must be redis:\/\//m);
    expect(output).not.toContain('    at ');
  });

  /** Pids of `affinity work` processes started with this REDIS_PREFIX (Linux: read from /proc). */
  const workersOf = (prefix: string): string[] =>
    readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('work') && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`REDIS_PREFIX=${prefix}`);
        } catch {
          return false; // gone meanwhile, or not ours to read
        }
      });

  it('start (API and worker processes) with a file where the data folder should be: exits 1 at once, no worker left', { timeout: 60_000 }, async () => {
    const file = path.join(dataDir, 'a-file-for-start');
    await writeFile(file, 'keep me');
    const env: Record<string, string> = { ...systemEnv(dataDir, redis.url), PORT: String(await freePort()), HOST: '127.0.0.1', AFFINITY_DATA_DIR: file, START_MODE: 'two-processes' };
    const proc = spawnAffinity(['start'], env);
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain('error STORAGE_FAILED: cannot create the database folder');
    expect(workersOf(env.REDIS_PREFIX!)).toEqual([]);
  });

  it('start whose port is taken: exits 1, and the worker process it started stops too', { timeout: 60_000 }, async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const env: Record<string, string> = { ...systemEnv(dataDir, redis.url), PORT: String((taken.address() as { port: number }).port), HOST: '127.0.0.1', START_MODE: 'two-processes' };
      const proc = spawnAffinity(['start'], env);
      expect((await proc.exited).code).toBe(1);
      expect(proc.output()).toContain('cannot listen on 127.0.0.1');
      await until('the worker process to stop', 30_000, async () => workersOf(env.REDIS_PREFIX!).length === 0);
    } finally {
      taken.close();
    }
  });

  it('start with a DATABASE_URL whose database does not exist: exits 1 naming the database, no worker left', { timeout: 60_000 }, async () => {
    const url = new URL(testPostgresUrl());
    url.pathname = `/affinity_missing_${Date.now()}`;
    const env: Record<string, string> = { ...systemEnv(dataDir, redis.url), PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: url.toString(), START_MODE: 'two-processes' };
    const proc = spawnAffinity(['start'], env);
    expect((await proc.exited).code).toBe(1);
    const fatal = proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/^the database cannot be used \(.*affinity_missing_.*does not exist/);
    await until('the worker process to stop', 30_000, async () => workersOf(env.REDIS_PREFIX!).length === 0);
  });

  it('a file where the data folder should be: STORAGE_FAILED naming the folder, and the file untouched', async () => {
    const file = path.join(dataDir, 'a-file');
    await writeFile(file, 'keep me');
    const { code, output } = await serve({ AFFINITY_DATA_DIR: file });
    expect(code).toBe(1);
    expect(output).toContain(`error STORAGE_FAILED: cannot create the database folder ${file}`);
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });
});
