// Requests Node's HTTP parser rejects before any route sees them, sent as raw bytes to a real
// `affinity serve`: each gets our error body with a stable code and the right status (Node's
// default is a status line with an empty body), the connection is closed, and the server goes
// on answering well-formed requests.
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorAnswer } from '../../../shared/http/index.ts';
import { type AffinityProcess, spawnAffinity, systemEnv, untilReady } from '../../support/affinity-process.ts';
import { deleteKeysUnder, freePort, testRedis, type TestRedis } from '../../support/redis.ts';

/** Sends raw bytes on a fresh connection and resolves with everything the server wrote before closing it. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (out += chunk));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

function parse(raw: string): { status: number; headers: string; body: { error: { code: string; message: string } } } {
  const split = raw.indexOf('\r\n\r\n');
  expect(split).toBeGreaterThan(0);
  const head = raw.slice(0, split);
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(raw.slice(split + 4)) as { error: { code: string; message: string } } };
}

describe('requests the HTTP parser rejects', () => {
  let redis: TestRedis;
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let api: AffinityProcess | undefined;

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-malformed-'));
    port = await freePort();
    env = { ...systemEnv(dataDir, redis.url), PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: '1' };
    api = spawnAffinity(['serve'], env);
    await untilReady(api, `http://127.0.0.1:${port}`);
  }, 90_000);
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers each with its code and status in our error body, closes the connection, and keeps serving', async () => {
    const cases: [string, string, number, string][] = [
      ['an unknown method', 'FROB /v1/items/1 HTTP/1.1\r\nHost: x\r\n\r\n', 501, 'METHOD_NOT_IMPLEMENTED'],
      ['headers over the limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'REQUEST_HEADERS_TOO_LARGE'],
      ['a request line with no HTTP version', 'GET /healthz SMTP\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ];
    for (const [what, bytes, status, code] of cases) {
      const answer = parse(await rawExchange(port, bytes));
      expect([what, answer.status, answer.body.error.code]).toEqual([what, status, code]);
      expect(answer.headers).toContain('content-type: application/json');
      expect(answer.headers).toContain('connection: close');
      expect(answer.body.error.message.length).toBeGreaterThan(0);
    }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(api!.child.exitCode).toBeNull();
  });

  it('says nothing to a client that is already gone', () => {
    expect(clientErrorAnswer('ECONNRESET')).toBeUndefined();
    expect(clientErrorAnswer('HPE_INVALID_CHUNK_SIZE')?.code).toBe('MALFORMED_REQUEST');
  });
});
