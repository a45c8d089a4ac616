// The real CLI in a child process (`node bin/affinity.mjs <command>`), as an operator runs it:
// its own environment, stdout/stderr captured, and a way to stop it politely or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { repoRoot, sharedDir, testModelDir } from './paths.ts';

export interface AffinityProcess {
  child: ChildProcess;
  /** Everything written so far. */
  output(): string;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `affinity <args>` with `env` over a clean copy of this process's environment (no
 * vitest loader flags, AUTH_ENABLED=false and RETENTION_CRON=off unless `env` sets them).
 * Numbers and booleans in `env` are stringified; an undefined value removes the variable.
 * @example const api = spawnAffinity(['serve'], { PORT: 8099, AFFINITY_DATA_DIR: dir })
 */
export function spawnAffinity(args: string[], env: Record<string, string | number | boolean | undefined>): AffinityProcess {
  // as with testConfig, the API takes requests without keys and a worker schedules no retention
  // purge unless the test says otherwise
  const merged: NodeJS.ProcessEnv = { ...process.env, AUTH_ENABLED: 'false', RETENTION_CRON: 'off', WORKER_NICE: '0' };
  delete merged.NODE_OPTIONS; // vitest's own loader hooks are not what the CLI runs with
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = String(v);
  }
  const child = spawn(process.execPath, ['bin/affinity.mjs', ...args], { cwd: repoRoot, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until the API at `base` answers /readyz with 200 (and fails fast if the process died). */
export async function untilReady(proc: AffinityProcess, base: string, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`exited before it was ready:\n${proc.output().slice(-3000)}`);
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) return;
    if (Date.now() > end) throw new Error(`${base} not ready within ${deadlineMs} ms:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `affinity <args>` to the end; returns the exit code, the output, stdout alone and the last-line JSON of stdout (if any). */
export async function runAffinity(args: string[], env: Record<string, string | number | boolean | undefined>): Promise<{ code: number | null; output: string; stdout: string; json: unknown }> {
  const proc = spawnAffinity(args, env);
  let stdout = '';
  proc.child.stdout!.on('data', (s: string) => (stdout += s));
  const { code } = await proc.exited;
  const last = stdout.trim().split('\n').pop() ?? '';
  let json: unknown = null;
  try {
    json = JSON.parse(last);
  } catch {
    json = null;
  }
  return { code, output: proc.output(), stdout, json };
}

/**
 * The environment of a system a test starts as processes: its data folder and Redis, a fresh
 * key prefix, the tiny encoder, one inference thread, no schedules, no start-up chat training,
 * quiet logs. Spread it and add what the test is about.
 * @example const env = { ...systemEnv(dataDir, redis.url), PORT: String(port) }
 */
export function systemEnv(dataDir: string, redisUrl: string): Record<string, string> {
  return {
    AFFINITY_DATA_DIR: dataDir,
    AFFINITY_SHARED_DIR: sharedDir(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `test-${randomUUID()}`,
    EMBED_MODEL: testModelDir('tiny'),
    EMBED_WORKERS: '1',
    NIGHTLY_CRON: 'off',
    CHAT_STARTUP_TRAINING: 'off',
    LOG_LEVEL: 'warn',
  };
}

/** `affinity import movielens` of ML-100K (from AFFINITY_SHARED_DIR) into `env`'s data folder; throws on failure. */
export async function importMovieLens100k(env: Record<string, string>): Promise<void> {
  const r = await runAffinity(['import', 'movielens', '--data', path.join(sharedDir(), 'data', 'movielens-100k')], env);
  if (r.code !== 0) throw new Error(`affinity import movielens exited ${r.code}:\n${r.output.slice(-2000)}`);
}
