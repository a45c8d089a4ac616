// API_PROCESSES=2: `affinity serve` as the primary of two real API processes on one port.
// Connections are spread over both, /metrics answers for both together, a process that dies is
// replaced while the other keeps serving, SIGTERM stops them all, and a process that cannot
// start (port taken) ends in a clear failure rather than an endless restart loop; so does a
// single API process (it used to log "listening" on a port another process held).
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, sumOfSamples } from '../../../shared/metrics/index.ts';
import { type AffinityProcess, spawnAffinity, systemEnv, untilReady } from '../../support/affinity-process.ts';
import { deleteKeysUnder, freePort, testRedis, until, type TestRedis } from '../../support/redis.ts';

/** A GET on a connection of its own (no keep-alive), so that the primary hands each to the next process. */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** The series of `name` whose labels include `labels`, by their `api_process` label. */
const perProcess = (text: string, name: string, labels: Record<string, string> = {}): Record<string, number> =>
  Object.fromEntries(samples(text, name, labels).map((s) => [s.labels.api_process ?? '?', s.value]));


const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of the "API process started" log lines so far. */
const startedPids = (out: string): number[] =>
  out
    .split('\n')
    .filter((l) => l.includes('"msg":"API process started"'))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);

describe('API_PROCESSES=2: a cluster of API processes on one port', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;
  let api: AffinityProcess | undefined;

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-cluster-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...systemEnv(dataDir, redis.url), PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: '2', LOG_LEVEL: 'info' };
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('spreads connections, reports the metrics of every process, replaces a dead process and stops cleanly', { timeout: 120_000 }, async () => {
    // not set by the caller: the primary gives it to each API process (malloc-env.ts)
    api = spawnAffinity(['serve'], { ...env, MALLOC_MMAP_THRESHOLD_: undefined });
    await untilReady(api, base);
    const ready = async () => sumOfSamples(await (await fetch(`${base}/metrics`)).text(), 'affinity_api_processes_ready');
    await until('both processes ready', 60_000, async () => (await ready()) === 2, 200);
    const [first, second] = startedPids(api.output());
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first).not.toBe(second);
    expect(first).not.toBe(api.child.pid);
    // each API process gets a fixed malloc mmap threshold (model arrays handed back on a swap)
    if (process.platform === 'linux') {
      const environ = readFileSync(`/proc/${first}/environ`, 'utf8').split('\0');
      expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    }

    // 40 requests on 40 connections: answered by both processes, each counted once, in its own series
    const statuses = await Promise.all(Array.from({ length: 40 }, () => getOnNewConnection(`${base}/v1/items/no-such-item`)));
    expect(statuses.every((s) => s === 404)).toBe(true);
    const notFound = { method: 'GET', route: '/v1/items/:id', status: '404' };
    const counts = perProcess(await (await fetch(`${base}/metrics`)).text(), 'affinity_http_request_duration_seconds_count', notFound);
    expect(Object.keys(counts).sort()).toEqual(['0', '1']);
    expect(counts['0']! + counts['1']!).toBe(40);
    const slotOf = (pid: number) => {
      const line = api!.output().split('\n').find((l) => l.includes('"msg":"API process started"') && l.includes(`"pid":${pid},`));
      return line ? JSON.parse(line).api_process as number : undefined;
    };

    // one process killed: the primary starts another; the survivor serves meanwhile
    process.kill(first!, 'SIGKILL');
    await until('the primary to notice', 10_000, async () => api!.output().includes('an API process exited; starting another'), 50);
    const during = await Promise.all(Array.from({ length: 20 }, () => getOnNewConnection(`${base}/healthz`)));
    expect(during.every((s) => s === 200)).toBe(true);
    await until('a replacement ready', 60_000, async () => startedPids(api!.output()).length === 3 && (await ready()) === 2, 200);
    const replacement = startedPids(api.output())[2]!;
    expect([first, second]).not.toContain(replacement);
    // the replacement takes the dead one's slot: its series restart from zero (a counter reset
    // to Prometheus), the survivor's keep counting; no series of a third process appears
    const killedSlot = String(slotOf(first!));
    expect(slotOf(replacement)).toBe(slotOf(first!));
    const after = perProcess(await (await fetch(`${base}/metrics`)).text(), 'affinity_http_request_duration_seconds_count', notFound);
    expect(Object.keys(after).every((slot) => slot === '0' || slot === '1')).toBe(true);
    expect(after[killedSlot] ?? 0).toBe(0);
    const survivorSlot = killedSlot === '0' ? '1' : '0';
    expect(after[survivorSlot]).toBe(counts[survivorSlot]);

    // SIGTERM to the primary: every process drains and exits, the primary with 0
    expect(await api.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await until('the API processes gone', 10_000, async () => !alive(second!) && !alive(replacement), 50);
    expect(api.output()).toContain('every API process stopped');
  });

  it.each([
    ['2', 'API processes in a row exited before they could listen'],
    ['1', 'cannot listen on 127.0.0.1:'],
  ])('API_PROCESSES=%s on a port already taken: exit 1 with the reason', { timeout: 120_000 }, async (processes, reason) => {
    const taken = net.createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as net.AddressInfo).port)));
    const proc = spawnAffinity(['serve'], { ...env, PORT: String(port), API_PROCESSES: processes });
    try {
      const { code } = await proc.exited;
      expect(code).toBe(1);
      expect(proc.output()).toContain(reason);
      expect(proc.output()).not.toContain('Affinity API listening');
      for (const pid of startedPids(proc.output())) expect(alive(pid)).toBe(false);
    } finally {
      await proc.stop('SIGKILL');
      taken.close();
    }
  });
});
