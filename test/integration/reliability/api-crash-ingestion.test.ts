// The API SIGKILLed while clients post events, then started again on the same data folder:
// every event acknowledged before the kill is stored, and a client that re-sends what went
// unanswered (same event_id) stores nothing twice. Real processes, real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.ts';
import { openDatabase } from '../../../shared/storage/index.ts';
import { type AffinityProcess, spawnAffinity, systemEnv, untilReady } from '../../support/affinity-process.ts';
import { deleteKeysUnder, freePort, testRedis, type TestRedis } from '../../support/redis.ts';

const CLIENTS = 4;
const BATCH = 25;

describe('API killed during event ingestion', () => {
  let redis: TestRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;
  let api: AffinityProcess | undefined;

  beforeAll(async () => {
    redis = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-ingest-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...systemEnv(dataDir, redis.url),
      PORT: String(port),
      HOST: '127.0.0.1',
    };
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await deleteKeysUnder(redis.url, `${env.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event and stores none twice', { timeout: 120_000 }, async () => {
    api = spawnAffinity(['serve'], env);
    await untilReady(api, base);
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, title: `product ${i}` }));
    expect((await fetch(`${base}/v1/items`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) })).status).toBe(200);

    const acknowledged = new Set<string>();
    const unanswered: { event_id: string; user_id: string; item_id: string; type: string }[][] = [];
    let sent = 0;
    let stop = false;
    const client = async (c: number) => {
      for (let b = 0; !stop; b++) {
        const events = Array.from({ length: BATCH }, (_, j) => ({ event_id: `c${c}-b${b}-e${j}`, user_id: `u${(b * 7 + j) % 97}`, item_id: `p${(b + j * 3) % 50}`, type: 'view' }));
        sent++;
        try {
          const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
          if (res.status === 200) for (const e of events) acknowledged.add(e.event_id);
          else unanswered.push(events);
        } catch {
          unanswered.push(events); // no answer: it may or may not have been stored
          return;
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // kill once a good number of batches have been acknowledged
    while (acknowledged.size < 2_000) await new Promise((r) => setTimeout(r, 20));
    api.child.kill('SIGKILL');
    await api.exited;
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.size).toBeGreaterThanOrEqual(2_000);
    expect(unanswered.length).toBeGreaterThan(0); // the kill did land mid-ingestion

    // restart; the clients re-send what got no answer
    api = spawnAffinity(['serve'], env);
    await untilReady(api, base);
    for (const events of unanswered) {
      const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
      expect(res.status).toBe(200);
    }
    await api.stop('SIGTERM');

    const db = openDatabase(loadConfig({}, env));
    try {
      const stored = new Set((await db.all<{ event_id: string }>('SELECT event_id FROM events')).map((r) => r.event_id));
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      const twice = await db.all('SELECT event_id, COUNT(*) AS n FROM events GROUP BY event_id HAVING COUNT(*) > 1');
      expect(twice).toEqual([]);
      // every batch sent is stored exactly once: acknowledged ones and the re-sent ones
      expect(stored.size).toBe(acknowledged.size + unanswered.flat().filter((e) => !acknowledged.has(e.event_id)).length);
      expect(stored.size).toBeLessThanOrEqual(sent * BATCH);
    } finally {
      await db.close();
    }
  });
});
