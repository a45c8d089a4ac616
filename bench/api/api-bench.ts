import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuSample, stealPct } from '../support/cpu-steal.ts';
import { cleanupOnInterrupt } from '../support/interrupted.ts';
import { freePort, startBenchServer, stopBenchServer } from '../support/server-process.ts';
import { catalogMigrations, CatalogRepository, importMovieLens, registryRoot, trainFromCatalog } from '../../services/recommend/index.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { ModelRegistry } from '../../shared/registry/index.ts';
import { sumOfSamples } from '../../shared/metrics/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';
import { readMovieLens } from '../../services/recommend/eval/movielens.ts';

export interface ApiBenchOptions {
  sharedDir: string;
  connections: number;
  seconds: number;
  /** API processes serving the port (API_PROCESSES). */
  processes: number;
  progress: (line: string) => void;
}

export interface RouteFigures {
  requests_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  errors: number;
  non_2xx: number;
  /** CPU time the hypervisor gave other guests during the run, % (see bench/support/cpu-steal.ts). */
  cpu_steal_pct: number;
}

/** The admin key the benchmarked server is given (AFFINITY_ADMIN_KEY): requests pay for authentication as in production. */
const BENCH_KEY = `aff_bench_${randomBytes(32).toString('base64url')}`;

/** Lookups of the recommender's candidate cache that missed, summed over the API's processes. */
async function cacheMisses(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${BENCH_KEY}` } })).text();
  return sumOfSamples(text, 'affinity_recommend_cache_lookups_total', { result: 'miss' });
}

/** Runs autocannon against one route family; `paths` are cycled through. */
async function hammer(base: string, paths: string[], connections: number, seconds: number, amount?: number): Promise<RouteFigures> {
  let i = 0;
  const cpu = cpuSample();
  const result = await autocannon({
    url: base,
    headers: { authorization: `Bearer ${BENCH_KEY}` },
    connections,
    ...(amount ? { amount } : { duration: seconds }),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  });
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non_2xx: result.non2xx,
    cpu_steal_pct: stealPct(cpu),
  };
}

/**
 * The serving API under load: ML-100K imported into a fresh data folder, the recommender
 * trained, a real server started in its own process, then `connections` concurrent
 * connections for `seconds` on recommendations (every user in turn) and on search (words of
 * real titles). The server runs `processes` API processes (API_PROCESSES) on its port.
 */
export async function runApiBench(opts: ApiBenchOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-bench-api-'));
  const mlDir = path.join(opts.sharedDir, 'data', 'movielens-100k');
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    await stopBenchServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const release = cleanupOnInterrupt(cleanup);
  try {
    const config = loadConfig({ ...process.env, AFFINITY_DATA_DIR: dataDir, AFFINITY_SHARED_DIR: opts.sharedDir });
    const db = openDatabase(config);
    await db.migrate(catalogMigrations);
    const repo = new CatalogRepository(db);
    opts.progress('importing ML-100K …');
    await importMovieLens(repo, mlDir);
    opts.progress('training the recommender (defaults, no tuning) …');
    await trainFromCatalog(repo, new ModelRegistry(registryRoot(config)), { tune: false });
    await db.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = await startBenchServer({ dataDir, sharedDir: opts.sharedDir, port, key: BENCH_KEY, processes: opts.processes });

    const ml = readMovieLens(mlDir);
    const users = [...new Set(ml.ratings.map((r) => r.userId))];
    const words = [...new Set(ml.items.flatMap((m) => m.title.replace(/\(\d{4}\)/, '').split(/\W+/)).filter((w) => w.length > 3))];
    const recPaths = users.map((u) => `/v1/users/${u}/recommendations?k=10`);
    const searchPaths = words.map((w, j) => `/v1/search?q=${encodeURIComponent(`${w} ${words[(j * 7) % words.length]}`)}&k=10`);

    // first touch of a user: nothing cached, each request scores the full model. The first
    // 200 users warm the server up (JIT), the other users are measured.
    const warmUsers = Math.min(200, Math.floor(recPaths.length / 4));
    await hammer(base, recPaths.slice(0, warmUsers), opts.connections, 0, warmUsers);
    opts.progress(`recommendations, cold: each of ${recPaths.length - warmUsers} users once, ${opts.connections} connections …`);
    const recommendationsCold = await hammer(base, recPaths.slice(warmUsers), opts.connections, 0, recPaths.length - warmUsers);
    // every process keeps its own candidate cache, and a connection stays with one process:
    // pass over the users again until (nearly) no request scores afresh, so that the timed
    // run measures what it says (candidates cached) with one process or several
    for (let pass = 0; pass < 8; pass++) {
      const before = await cacheMisses(base);
      await hammer(base, recPaths, opts.connections, 0, recPaths.length);
      const fresh = (await cacheMisses(base)) - before;
      opts.progress(`warm-up pass ${pass + 1}: ${fresh} of ${recPaths.length} requests scored afresh`);
      if (fresh <= recPaths.length * 0.01) break;
    }
    opts.progress(`recommendations: ${opts.connections} connections for ${opts.seconds} s …`);
    const recommendations = await hammer(base, recPaths, opts.connections, opts.seconds);
    opts.progress(`search: ${opts.connections} connections for ${opts.seconds} s …`);
    await hammer(base, searchPaths, opts.connections, 2);
    const search = await hammer(base, searchPaths, opts.connections, opts.seconds);
    return {
      data: { items: ml.items.length, events: ml.ratings.length, users: users.length },
      connections: opts.connections,
      seconds: opts.seconds,
      api_processes: opts.processes,
      machine: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown' },
      routes: { recommendations_cold: recommendationsCold, recommendations, search },
      targets: { errors: 0, recommendations_p99_ms: 50 },
      met: {
        errors: [recommendationsCold, recommendations, search].every((r) => r.errors + r.non_2xx === 0),
        recommendations_p99: recommendations.p99_ms <= 50,
        recommendations_cold_p99: recommendationsCold.p99_ms <= 50,
      },
    };
  } finally {
    release();
    await cleanup();
  }
}
