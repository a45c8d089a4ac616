// A real Redis for tests: the one at REDIS_URL (or 127.0.0.1:6379) when it answers, else a
// redis-server this process starts on a free port. Never a mock. Each test's keys live under
// its configuration's REDIS_PREFIX (`test-<uuid>`, from testConfig) and are deleted after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRedis } from '../../shared/redis/index.ts';

export interface TestRedis {
  url: string;
  /** Whether this process started the server (and `stop()` stops it). */
  started: boolean;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = createRedis(url, { commandTimeoutMs: 1000 });
  try {
    return (await client.connect()) && (await client.ping());
  } finally {
    await client.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it is true; throws when `deadlineMs` passes first. */
export async function until(what: string, deadlineMs: number, probe: () => Promise<boolean>, everyMs = 50): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts a private redis-server (no persistence) on `port`, by default a free one. */
export async function startRedisServer(port?: number): Promise<TestRedis> {
  port ??= await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  child.once('error', () => undefined);
  await until(`redis-server on port ${port}`, 10_000, () => answers(url));
  return {
    url,
    started: true,
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited;
      child = undefined;
    },
  };
}

/** The Redis the tests use: REDIS_URL or 127.0.0.1:6379 when one answers, else one started here. */
export async function testRedis(): Promise<TestRedis> {
  for (const url of [process.env.REDIS_URL, 'redis://127.0.0.1:6379']) {
    if (url && (await answers(url))) return { url, started: false, stop: async () => undefined };
  }
  return startRedisServer();
}

/** Keys under `prefix` (the full prefix, with its `:`). */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const client = createRedis(url, { role: 'worker' });
  try {
    await client.connect();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.run((c) => c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000));
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    await client.close();
  }
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const keys = await keysUnder(url, prefix);
  if (keys.length === 0) return 0;
  const client = createRedis(url, { role: 'worker' });
  try {
    await client.connect();
    for (let i = 0; i < keys.length; i += 500) await client.run((c) => c.del(...keys.slice(i, i + 500)));
    return keys.length;
  } finally {
    await client.close();
  }
}
