// `npm start` end to end: the real CLI in a child process on a fresh data folder, with no
// EMBED_MODEL, so it generates and serves the offline encoder, and no API key, so it prints a
// generated admin key once; the worker it spawns gets the malloc threshold; then a clean SIGTERM exit
// that waits for the worker to finish.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { freePort, until } from '../support/redis.ts';


describe('npm start (node bin/affinity.mjs start)', () => {
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let dataDir: string;
  let base: string;
  let stdout = '';
  let stderr = '';

  const logLines = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'affinity-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFFINITY_DATA_DIR: dataDir, LOG_LEVEL: 'info', REDIS_PREFIX: `test-${process.pid}-${Date.now()}`, NIGHTLY_CRON: 'off', RETENTION_CRON: 'off' };
    // No EMBED_MODEL: the offline encoder. By default (`auto`) that is minilm-l6 when ../shared
    // holds its tokenizer; `tiny` keeps this test quick.
    env.EMBED_OFFLINE_SHAPE = 'tiny';
    delete env.EMBED_MODEL;
    delete env.EMBED_MODEL_ID;
    delete env.NODE_OPTIONS; // vitest's own loader hooks are not what `npm start` runs with
    delete env.MALLOC_MMAP_THRESHOLD_; // `start` gives it to the worker it spawns (malloc-env.ts)
    // as shipped: keys required, none provisioned
    env.AUTH_ENABLED = 'true';
    delete env.AFFINITY_ADMIN_KEY;
    child = spawn(process.execPath, ['bin/affinity.mjs', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    exited = new Promise((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('becomes ready, prints an admin key once, embeds with it, logs the offline encoder, restarts a killed worker, and exits 0 on SIGTERM', { timeout: 90_000 }, async () => {
    await until('/readyz to answer 200', 60_000, async () => {
      if (child!.exitCode !== null) throw new Error(`exited early (${child!.exitCode}): ${stderr}`);
      return (await fetch(`${base}/readyz`)).status === 200;
    });

    // the key: printed once, as a plain line outside the JSON log
    await until('the generated admin key on stdout', 10_000, async () => /aff_\w+_[\w-]{43}/.test(stdout));
    const keys = stdout.match(/aff_[A-Za-z0-9]+_[\w-]{43}/g)!;
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    expect(logLines().some((l) => JSON.stringify(l).includes(key))).toBe(false);

    const embed = (headers: Record<string, string>) =>
      fetch(`${base}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ input: 'Where is my card?' }) });
    const refused = await embed({});
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('AUTH_REQUIRED');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const res = await embed({ authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; data: Array<{ embedding: number[] }> };
    expect(body.model).toBe('offline-tiny');
    expect(body.data[0]!.embedding).toHaveLength(64);
    expect(body.data[0]!.embedding.every(Number.isFinite)).toBe(true);

    const lines = logLines();
    const msgs = lines.map((l) => l.msg);
    expect(msgs.some((m) => m.startsWith('Affinity API listening on'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('generated the offline encoder'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('no EMBED_MODEL configured: serving the generated offline encoder "offline-tiny"'))).toBe(true);
    expect(msgs).toContain('encoder offline-tiny ready');
    expect(path.resolve(String(lines.find((l) => l.msg.startsWith('generated the offline encoder'))!.dir))).toBe(
      path.join(dataDir, 'models', 'offline-tiny'),
    );

    // the worker process `start` spawned runs with a fixed malloc mmap threshold
    const workerPid = () => {
      const children = readFileSync(`/proc/${child!.pid}/task/${child!.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('work'));
    };
    let worker: string | undefined;
    if (process.platform === 'linux') {
      worker = workerPid();
      expect(worker).toBeDefined();
      expect(readFileSync(`/proc/${worker}/environ`, 'utf8').split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    }

    const running = () => logLines().filter((l) => l.msg === 'workers running').length;
    await until('the worker process to run', 30_000, async () => running() === 1);
    if (worker) {
      // a worker that dies on its own is started again
      process.kill(Number(worker), 'SIGKILL');
      await until('a new worker process', 30_000, async () => running() === 2);
      expect(logLines().some((l) => l.msg.startsWith('the worker process exited; starting another in') && l.signal === 'SIGKILL')).toBe(true);
      const replacement = workerPid();
      expect(replacement).toBeDefined();
      expect(replacement).not.toBe(worker);
      worker = replacement;
    }
    child!.kill('SIGTERM');
    const exit = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit 15 s after SIGTERM')), 15_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    const after = logLines().map((l) => l.msg);
    expect(after).toContain('stopped');
    // the worker was asked once and allowed to finish: `start` exits after it, and the parent
    // leaving is not read as a second signal (which drops the job in hand)
    expect(after, after.join('\n')).toContain('stopping workers: finishing the current job');
    expect(after.filter((m) => m.startsWith('second signal'))).toEqual([]);
    expect(after).toContain('waiting for the worker process to finish its current job');
    // (not the order of those lines: the log is written asynchronously and flushed at exit)
    if (worker) expect(existsSync(`/proc/${worker}`)).toBe(false);
  });
});
