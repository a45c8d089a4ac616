// What a benchmark needs to drive a server it started as a process: a free port, and waiting
// until the server (or any condition) is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { sumOfSamples } from '../../shared/metrics/index.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` (a throw counts as not yet) until it is true; throws after `timeoutMs`. */
export async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
}

/**
 * Waits until the server at `base` answers /readyz with 200 and, for a cluster of `processes`
 * API processes, until /metrics counts that many ready (`affinity_api_processes_ready`); fails
 * at once if `child` exits. `headers` authenticate the scrape.
 */
export async function waitReady(base: string, child: ChildProcess, timeoutMs: number, opts: { processes?: number; headers?: Record<string, string> } = {}): Promise<void> {
  let exited = false;
  await until('the server to be ready', timeoutMs, async () => {
    exited = child.exitCode !== null;
    if (exited) return true;
    if ((await fetch(`${base}/readyz`, { headers: opts.headers })).status !== 200) return false;
    if ((opts.processes ?? 1) <= 1) return true;
    const text = await (await fetch(`${base}/metrics`, { headers: opts.headers })).text();
    return sumOfSamples(text, 'affinity_api_processes_ready') >= opts.processes!;
  });
  if (exited) throw new Error(`the server exited with code ${child.exitCode}`);
}

/** The `affinity` command's entry point, found from this file (not from the working folder, which may be anywhere). */
export const AFFINITY_CLI = fileURLToPath(new URL('../../bin/affinity.mjs', import.meta.url));

export interface BenchServerOptions {
  dataDir: string;
  sharedDir: string;
  port: number;
  /** The admin key the server is started with (AFFINITY_ADMIN_KEY), and the requests carry. */
  key: string;
  /** API processes on the port (API_PROCESSES). */
  processes: number;
  /** More settings for the server. */
  env?: Record<string, string>;
}

/**
 * Starts `affinity serve` as a production deployment runs it (API keys on, the rate limiter in
 * the path with a limit the load never reaches) and waits until every API process is ready. No
 * chat models are trained at start: every process would train its own, minutes of both cores
 * before the server is ready, for routes the benchmarks do not call.
 */
export async function startBenchServer(o: BenchServerOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, [AFFINITY_CLI, 'serve'], {
    env: {
      ...process.env,
      AFFINITY_DATA_DIR: o.dataDir,
      AFFINITY_SHARED_DIR: o.sharedDir,
      PORT: String(o.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_ENABLED: 'true',
      AFFINITY_ADMIN_KEY: o.key,
      RATE_LIMIT_PER_MINUTE: '10000000',
      API_PROCESSES: String(o.processes),
      CHAT_STARTUP_TRAINING: 'off',
      ...o.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(`http://127.0.0.1:${o.port}`, child, 180_000, { processes: o.processes, headers: { authorization: `Bearer ${o.key}` } });
  return child;
}

/** Stops a server the benchmark started (SIGTERM) and waits for it to exit. */
export async function stopBenchServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
