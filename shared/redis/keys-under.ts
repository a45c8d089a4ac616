import { createRedis, type RedisClient } from './redis-client.ts';

// Housekeeping of a key prefix: tests and benchmarks each run under a REDIS_PREFIX of their
// own, and delete what they left behind under it when they finish.

/** Runs `op` on a connection of its own, closed afterwards. */
async function withClient<T>(url: string, op: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = createRedis(url, { role: 'worker' });
  try {
    await client.connect();
    return await op(client);
  } finally {
    await client.close();
  }
}

async function scanKeys(client: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.run((c) => c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000));
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Keys under `prefix` (the full prefix, with its `:`). */
export function keysUnder(url: string, prefix: string): Promise<string[]> {
  return withClient(url, (client) => scanKeys(client, prefix));
}

/** Deletes every key under `prefix`; returns how many there were. */
export function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  return withClient(url, async (client) => {
    const keys = await scanKeys(client, prefix);
    for (let i = 0; i < keys.length; i += 500) await client.run((c) => c.del(...keys.slice(i, i + 500)));
    return keys.length;
  });
}
