import { createRedis } from './redis-client.ts';

// Housekeeping of a key prefix: tests and benchmarks each run under a REDIS_PREFIX of their
// own, and delete what they left behind under it when they finish.

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
