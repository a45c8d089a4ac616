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

export { deleteKeysUnder, keysUnder } from '../../shared/redis/index.ts';

/**
 * Waits until `subscribers` processes subscribe to the model signals of `prefix` (APIs started in the
 * test): a command announcing a change before that would go unheard.
 */
export async function untilSignalsSubscribed(redisUrl: string, prefix: string, subscribers = 1): Promise<void> {
  const admin = createRedis(redisUrl, { role: 'worker' });
  await admin.connect();
  try {
    await until('the API to subscribe to signals', 10_000, async () => {
      const counts = (await admin.run((c) => c.pubsub('NUMSUB', `${prefix}:signals:models`))) as Array<string | number>;
      return Number(counts[1]) >= subscribers;
    });
  } finally {
    await admin.close();
  }
}
