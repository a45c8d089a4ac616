// The whole system under a steady mixed load for minutes while the workers retrain: real API
// and worker processes on ML-100K, fixed request rates per route (autocannon, one instance per
// route so each has its own latency figures), RSS of both processes sampled over time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuSample, stealPct } from '../support/cpu-steal.ts';
import { summarize } from '../support/load.ts';
import { cleanupOnInterrupt } from '../support/interrupted.ts';
import { AFFINITY_CLI, freePort, until, waitReady } from '../support/server-process.ts';
import { catalogMigrations, CatalogRepository, importMovieLens, registryRoot, trainFromCatalog } from '../../services/recommend/index.ts';
import { readMovieLens } from '../../services/recommend/eval/movielens.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { withMallocDefaults } from '../../shared/process/index.ts';
import { deleteKeysUnder } from '../../shared/redis/index.ts';
import { ModelRegistry } from '../../shared/registry/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';

export interface SoakOptions {
  sharedDir: string;
  /** Seconds of mixed load. */
  duration: number;
  /** Seconds of the same mix before the idle figures, not measured: the API's caches and JIT warm. */
  warmup: number;
  /** Multiplies every route's request rate. */
  rateScale: number;
  /** API processes serving the port (API_PROCESSES). */
  processes: number;
  /** Requests each route's idle p99 is taken from, at least (at most 10 a second). */
  idleSamples: number;
  progress: (line: string) => void;
}

interface RouteSpec {
  name: string;
  /** Requests per second. */
  rate: number;
  request: () => { method: 'GET' | 'POST' | 'PUT'; path: string; body?: string };
}

interface RouteFigures {
  requests: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  statuses: Record<string, number>;
  /** Non-2xx answers by status and the error code in their body ("503 MODEL_NOT_READY"). */
  error_codes: Record<string, number>;
}

/** The stable error code of an error body (`{"error":{"code":…}}`), or what kind of body it was. */
function errorCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : 'no code in body';
  } catch {
    return body ? 'body not JSON' : 'empty body';
  }
}

/** Resident set size of a process in KiB (Linux /proc); 0 when it is gone. */
function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the parent pid is the fourth field, after the command name in parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // ended since the listing
    }
  }
  return out;
}

/** A process and every process under it (a cluster's primary and its API processes). */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...childrenOf(p));
  }
  return out;
}

/** Resident set size in MiB of a process and every process under it. */
function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  const kib = processTree(pid).reduce((a, p) => a + rssKiB(p), 0);
  return Math.round(kib / 102.4) / 10;
}

/**
 * Bytes a process and the processes under it have caused to be written to the disk so far
 * (Linux /proc/PID/io `write_bytes`: what reached the block layer, however it was written);
 * processes that ended take theirs with them.
 */
function diskWriteBytes(pid: number | undefined): number {
  if (!pid) return 0;
  let bytes = 0;
  for (const p of processTree(pid)) {
    try {
      bytes += Number(/^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended since the listing, or /proc/PID/io not readable
    }
  }
  return bytes;
}

/** Latencies of every route together, per window of the run: where in time the slow requests were. */
class Timeline {
  static readonly WINDOW_S = 10;
  private readonly started = Date.now();
  private readonly windows: Array<{ latencies: number[]; slow: Record<string, number>; stage: string; api_rss_mib: number; written?: { api: number; worker: number } }> = [];

  /** @param slowMs per route, the latency above which a request counts as slow (twice its idle p99) */
  constructor(private readonly slowMs: Record<string, number>) {}

  private window() {
    const i = Math.floor((Date.now() - this.started) / (Timeline.WINDOW_S * 1000));
    while (this.windows.length <= i) this.windows.push({ latencies: [], slow: {}, stage: '', api_rss_mib: 0 });
    return this.windows[i]!;
  }

  record(route: string, ms: number): void {
    const w = this.window();
    w.latencies.push(ms);
    if (ms > (this.slowMs[route] ?? Infinity)) w.slow[route] = (w.slow[route] ?? 0) + 1;
  }

  /**
   * What the worker was doing, the API's size and the bytes each side has written to the disk
   * so far, sampled during the window (the last sample wins).
   */
  note(stage: string, apiRss: number, written: { api: number; worker: number }): void {
    const w = this.window();
    w.stage = stage;
    w.api_rss_mib = apiRss;
    w.written = written;
  }

  summary() {
    const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
    let before: { api: number; worker: number } | undefined;
    return this.windows.map((w, i) => {
      // disk writes in the window: from the previous window's last sample to this one's
      const disk = w.written && before ? { api: mib(w.written.api - before.api), worker: mib(w.written.worker - before.worker) } : null;
      before = w.written ?? before;
      const sorted = [...w.latencies].sort((a, b) => a - b);
      const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0);
      return {
        t_s: i * Timeline.WINDOW_S,
        requests: sorted.length,
        p50_ms: q(0.5),
        p99_ms: q(0.99),
        max_ms: sorted.at(-1) ?? 0,
        // requests slower than twice their route's idle p99, by route: where a route's misses fall
        over_2x_idle: w.slow,
        worker: w.stage,
        api_rss_mib: w.api_rss_mib,
        disk_write_mib: disk,
      };
    });
  }
}

/** A route's phase within its interval: spread by the golden ratio, so no two routes start together. */
const phaseOf = (routeIndex: number): number => (routeIndex * 0.618034) % 1;

/**
 * Drives one route at `route.rate` requests per second for `seconds`, its arrivals spread
 * evenly over each second: one autocannon instance (one connection) per
 * request a second, each started `1 / rate` s after the one before, the first at `phase` (0–1)
 * of that interval. Autocannon meters a rate per connection as a budget renewed every second
 * and spent at once: a connection at 10 requests a second sends 10 back to back at the top of
 * each second, then waits. At one request a second each, a connection sends one request at
 * its own moment of the second, so the route's arrivals are `1 / rate` s apart, as a shop's
 * many independent visitors would make them rather than in bursts; only an answer slower than a
 * second delays its connection's next request. (Before, each connection
 * carried up to 10 a second, and the whole mix arrived in a burst in the first tenth of every
 * second: the p99s measured that queue.)
 */
async function drive(base: string, headers: Record<string, string>, route: RouteSpec, seconds: number, phase: number, timeline?: Timeline): Promise<RouteFigures> {
  const statuses: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  const latencies: number[] = [];
  const connections = Math.max(1, Math.round(route.rate));
  const intervalMs = 1000 / route.rate;
  const one = (c: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      setTimeout(
        () => {
          const instance = autocannon(
            {
              url: base,
              connections: 1,
              overallRate: 1,
              duration: seconds,
              timeout: 30,
              headers: { 'content-type': 'application/json', ...headers },
              requests: [
                {
                  setupRequest: (req) => ({ ...req, ...route.request() }),
                  // which error it was, not only its status: a 503 from a model not loaded is not one from a timeout
                  onResponse: (status: number, body: string) => {
                    if (status < 200 || status >= 300) {
                      const key = `${status} ${errorCodeOf(body)}`;
                      errorCodes[key] = (errorCodes[key] ?? 0) + 1;
                    }
                  },
                },
              ],
            },
            (err, r) => (err ? reject(err) : resolve(r)),
          );
          instance.on('response', (_client, status, _bytes, ms) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            latencies.push(ms);
            timeline?.record(route.name, ms);
          });
        },
        (phase + c) * intervalMs,
      );
    });
  const results = await Promise.all(Array.from({ length: connections }, (_, c) => one(c)));
  const latency = summarize(latencies);
  return {
    requests: results.reduce((a, r) => a + r.requests.total, 0),
    p50_ms: latency.p50,
    p99_ms: latency.p99,
    errors: results.reduce((a, r) => a + r.errors + r.timeouts, 0),
    statuses,
    error_codes: errorCodes,
  };
}

export async function runSoakBench(opts: SoakOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-soak-'));
  const mlDir = path.join(opts.sharedDir, 'data', 'movielens-100k');
  const adminKey = `aff_soak_${randomBytes(24).toString('base64url')}`;
  const procs: ChildProcess[] = [];
  // the run's queues, jobs and chat sessions live under a Redis prefix of its own, deleted at the end
  const redisPrefix = `soak-${randomBytes(4).toString('hex')}`;
  let redisUrl: string | undefined;
  const cleanup = async () => {
    // a worker finishes the job in hand on SIGTERM (a retraining can take minutes): a second
    // signal makes it exit at once (the job would go back to the queue)
    const exited = procs.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve()));
    for (const p of procs) p.kill('SIGTERM');
    const again = setTimeout(() => procs.forEach((p) => p.kill('SIGTERM')), 5000);
    await Promise.all(exited);
    clearTimeout(again);
    rmSync(dataDir, { recursive: true, force: true });
    if (redisUrl) await deleteKeysUnder(redisUrl, `${redisPrefix}:`).catch(() => undefined);
  };
  const release = cleanupOnInterrupt(cleanup);
  try {
    // the environment the Dockerfile and `affinity start` give the processes (malloc-env.ts)
    const env = {
      ...withMallocDefaults(process.env),
      AFFINITY_DATA_DIR: dataDir,
      AFFINITY_SHARED_DIR: opts.sharedDir,
      REDIS_PREFIX: redisPrefix,
      NIGHTLY_CRON: 'off',
      LOG_LEVEL: 'warn',
      AFFINITY_ADMIN_KEY: adminKey,
      AUTH_ENABLED: 'true',
      // the soak measures the service, not the limiter: a limit its request rate never reaches
      RATE_LIMIT_PER_MINUTE: '10000000',
    };
    const config = loadConfig(env);
    redisUrl = config.REDIS_URL;
    const db = openDatabase(config);
    await db.migrate(catalogMigrations);
    const repo = new CatalogRepository(db);
    opts.progress('importing ML-100K and training the recommender …');
    await importMovieLens(repo, mlDir);
    await trainFromCatalog(repo, new ModelRegistry(registryRoot(config)), { tune: false });
    await db.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const cli = AFFINITY_CLI;
    const api = spawn(process.execPath, [cli, 'serve'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: String(opts.processes) }, stdio: ['ignore', 'ignore', 'inherit'] });
    const worker = spawn(process.execPath, [cli, 'work'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    procs.push(api, worker);
    const headers = { authorization: `Bearer ${adminKey}` };
    const call = (method: string, route: string, body?: unknown) =>
      fetch(`${base}${route}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) });
    opts.progress('waiting for the API and the chat models (trained at first start) …');
    await waitReady(base, api, 180_000, { processes: opts.processes, headers });
    const sessions: string[] = [];
    for (let i = 0; i < 20; i++) sessions.push(((await (await call('POST', '/v1/chat/sessions', {})).json()) as { session_id: string }).session_id);
    await until('chat replies', 600_000, async () => (await call('POST', `/v1/chat/sessions/${sessions[0]}/messages`, { text: 'where is my order' })).status === 200, 500);

    const ml = readMovieLens(mlDir);
    const users = [...new Set(ml.ratings.map((r) => r.userId))];
    const titles = ml.items.map((m) => m.title.replace(/\(\d{4}\)/, '').trim());
    const chatTexts = ['where is my order', 'I want to cancel my order', 'how do I get a refund', 'can you recommend a movie', 'the delivery is late and I am angry', 'change my shipping address'];
    let n = 0;
    const pick = <T>(xs: readonly T[]) => xs[n++ % xs.length]!;
    let ev = 0;
    let it = 0;
    const scale = (r: number) => Math.max(1, Math.round(r * opts.rateScale));
    const routes: RouteSpec[] = [
      { name: 'recommendations', rate: scale(30), request: () => ({ method: 'GET', path: `/v1/users/${pick(users)}/recommendations?k=10` }) },
      { name: 'search', rate: scale(30), request: () => ({ method: 'GET', path: `/v1/search?q=${encodeURIComponent(pick(titles))}&k=10` }) },
      { name: 'similar', rate: scale(15), request: () => ({ method: 'GET', path: `/v1/items/${pick(ml.items).id}/similar?k=10` }) },
      { name: 'embeddings', rate: scale(10), request: () => ({ method: 'POST', path: '/v1/embeddings', body: JSON.stringify({ input: [pick(titles), pick(chatTexts)] }) }) },
      { name: 'chat', rate: scale(8), request: () => ({ method: 'POST', path: `/v1/chat/sessions/${pick(sessions)}/messages`, body: JSON.stringify({ text: pick(chatTexts) }) }) },
      {
        name: 'events',
        rate: scale(10),
        request: () => ({
          method: 'POST',
          path: '/v1/events',
          body: JSON.stringify({ events: Array.from({ length: 5 }, () => ({ event_id: `soak-${ev++}`, user_id: pick(users), item_id: pick(ml.items).id, type: 'view' })) }),
        }),
      },
      {
        name: 'upserts',
        rate: scale(2),
        request: () => {
          const id = `soak-item-${it++ % 500}`;
          return { method: 'PUT', path: '/v1/items', body: JSON.stringify({ items: [{ id, title: `Soak test film ${id}`, category: 'Drama', in_stock: true }] }) };
        },
      },
    ];

    // a restarted API is slower for its first minute (per-user caches empty, code not yet
    // optimised): without this, the idle figures would measure that instead of an idle API
    if (opts.warmup > 0) {
      opts.progress(`warm-up: the whole mix for ${opts.warmup} s, not measured …`);
      await Promise.all(routes.map((r, i) => drive(base, headers, r, opts.warmup, phaseOf(i))));
    }
    opts.progress('idle figures: each route alone at a low rate …');
    const idle: Record<string, RouteFigures> = {};
    for (const [i, r] of routes.entries()) {
      // at least `idleSamples` requests, so that the idle p99 is an estimate as steady as the
      // loaded one: of 100 requests it is the slowest one (one hiccup sets it; idle p99s of
      // 11.1–41.9 ms for one route were seen between runs), of 300 the third slowest
      const rate = Math.min(r.rate, 10);
      idle[r.name] = await drive(base, headers, { ...r, rate }, Math.max(10, Math.ceil(opts.idleSamples / rate)), phaseOf(i));
    }

    const rss = { api_start_mib: rssMiB(api.pid), worker_start_mib: rssMiB(worker.pid), api_warm_mib: 0, worker_warm_mib: 0, api_end_mib: 0, worker_end_mib: 0 };
    opts.progress(`mixed load for ${opts.duration} s at ${routes.reduce((a, r) => a + r.rate, 0)} req/s while the nightly flow retrains …`);
    const nightly = (await (await call('POST', '/v1/admin/jobs/nightly', {})).json()) as { id?: string };
    const nightlyStarted = Date.now();
    let nightlyState = 'unknown';
    let nightlySeconds: number | null = null;
    const timeline = new Timeline(Object.fromEntries(routes.map((r) => [r.name, 2 * idle[r.name]!.p99_ms])));
    const watcher = setInterval(() => {
      const written = () => ({ api: diskWriteBytes(api.pid), worker: diskWriteBytes(worker.pid) });
      if (!nightly.id || nightlySeconds !== null) {
        timeline.note('', rssMiB(api.pid), written());
        return;
      }
      void call('GET', `/v1/admin/jobs/${nightly.id}`)
        .then((r) => r.json() as Promise<{ state: string; progress: { stage: string; percent: number } | null }>)
        .then((j) => {
          nightlyState = j.state;
          timeline.note(j.progress ? `${j.progress.stage} ${Math.round(j.progress.percent)}%` : j.state, rssMiB(api.pid), written());
          if (j.state === 'completed' || j.state === 'failed') nightlySeconds = Math.round((Date.now() - nightlyStarted) / 1000);
        })
        .catch(() => undefined);
    }, 2000);
    const warmTimer = setTimeout(() => {
      rss.api_warm_mib = rssMiB(api.pid);
      rss.worker_warm_mib = rssMiB(worker.pid);
    }, Math.round(opts.duration * 200));
    const cpu = cpuSample();
    const loaded = await Promise.all(routes.map((r, i) => drive(base, headers, r, opts.duration, phaseOf(i), timeline)));
    const steal = stealPct(cpu);
    clearInterval(watcher);
    clearTimeout(warmTimer);
    rss.api_end_mib = rssMiB(api.pid);
    rss.worker_end_mib = rssMiB(worker.pid);

    const windows = timeline.summary();
    const perRoute = Object.fromEntries(
      routes.map((r, i) => {
        const f = loaded[i]!;
        const over = windows.reduce((a, w) => a + (w.over_2x_idle[r.name] ?? 0), 0);
        return [r.name, { rate_per_s: r.rate, ...f, idle_p99_ms: idle[r.name]!.p99_ms, p99_vs_idle: Math.round((f.p99_ms / Math.max(1, idle[r.name]!.p99_ms)) * 100) / 100, over_2x_idle: over }];
      }),
    );
    const errorsByStatus: Record<string, number> = {};
    const errorsByCode: Record<string, number> = {};
    let requests = 0;
    let connectionErrors = 0;
    for (const f of loaded) {
      requests += f.requests;
      connectionErrors += f.errors;
      for (const [s, c] of Object.entries(f.statuses)) if (!s.startsWith('2')) errorsByStatus[s] = (errorsByStatus[s] ?? 0) + c;
      for (const [k, c] of Object.entries(f.error_codes)) errorsByCode[k] = (errorsByCode[k] ?? 0) + c;
    }
    const fivexx = Object.entries(errorsByStatus).filter(([s]) => s.startsWith('5')).reduce((a, [, c]) => a + c, 0);
    const growth = (warm: number, end: number) => (warm > 0 ? Math.round(((end - warm) / warm) * 1000) / 10 : null);
    const apiGrowth = growth(rss.api_warm_mib, rss.api_end_mib);
    return {
      duration_s: opts.duration,
      warmup_s: opts.warmup,
      idle_samples: opts.idleSamples,
      request_rate_per_s: routes.reduce((a, r) => a + r.rate, 0),
      // the API's RSS is that of all of its processes together
      api_processes: opts.processes,
      requests,
      connection_errors: connectionErrors,
      errors_by_status: errorsByStatus,
      errors_by_code: errorsByCode,
      routes: perRoute,
      rss: { ...rss, api_growth_after_warmup_pct: apiGrowth, worker_growth_after_warmup_pct: growth(rss.worker_warm_mib, rss.worker_end_mib) },
      nightly: { state: nightlyState, seconds: nightlySeconds },
      timeline: windows,
      machine: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', loadavg_1m: os.loadavg()[0], cpu_steal_pct: steal },
      targets: { fivexx: 0, p99_vs_idle_max: 2, rss_growth_pct_max: 10 },
      met: {
        no_5xx: fivexx === 0 && connectionErrors === 0,
        p99_within_2x_idle: Object.values(perRoute).every((r) => r.p99_vs_idle <= 2),
        rss_growth_under_10pct: apiGrowth !== null && apiGrowth < 10,
      },
    };
  } finally {
    release();
    await cleanup();
  }
}
