// Looks for a string everywhere Affinity stores anything: every column of every table, every
// file under a folder, every Redis key under a prefix (names and values). Used to prove that
// an erased user's id is gone.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRedis } from '../../../shared/redis/index.ts';
import type { SqlDatabase } from '../../../shared/storage/index.ts';

/** `table.column` (with the number of rows) of every SQLite column whose text holds `needle`. */
export async function rowsHolding(db: SqlDatabase, needle: string): Promise<string[]> {
  if (db.dialect !== 'sqlite') throw new Error('rowsHolding lists SQLite tables');
  const hits: string[] = [];
  const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  for (const { name } of tables) {
    const columns = await db.all<{ name: string }>('SELECT name FROM pragma_table_info(?)', [name]);
    for (const c of columns) {
      const r = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}" WHERE instr(CAST("${c.name}" AS TEXT), ?) > 0`, [needle]);
      if (Number(r?.n ?? 0) > 0) hits.push(`${name}.${c.name} (${r!.n} rows)`);
    }
  }
  return hits;
}

/** Every file under `dir` (recursively) whose bytes contain `needle`, except those `skip` names. */
export async function filesHolding(dir: string, needle: string, skip: (file: string) => boolean = () => false): Promise<{ hits: string[]; scanned: number }> {
  const bytes = Buffer.from(needle, 'utf8');
  const hits: string[] = [];
  let scanned = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !skip(p)) {
        scanned++;
        if ((await readFile(p)).includes(bytes)) hits.push(path.relative(dir, p));
      }
    }
  };
  await walk(dir);
  return { hits, scanned };
}

/** Every key under `prefix` whose name or value (any type) contains `needle`. */
export async function redisKeysHolding(url: string, prefix: string, needle: string): Promise<{ hits: string[]; scanned: number }> {
  const client = createRedis(url, { role: 'worker' });
  await client.connect();
  try {
    const hits: string[] = [];
    let scanned = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.run((c) => c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000));
      cursor = next;
      for (const key of keys) {
        scanned++;
        const c = client.connection;
        const type = await c.type(key);
        let values: string[] = [];
        if (type === 'string') values = [(await c.get(key)) ?? ''];
        else if (type === 'hash') values = Object.entries(await c.hgetall(key)).flat();
        else if (type === 'list') values = await c.lrange(key, 0, -1);
        else if (type === 'set') values = await c.smembers(key);
        else if (type === 'zset') values = await c.zrange(key, 0, -1);
        else if (type === 'stream') values = (await c.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
        else values = [`<${type}>`];
        if (key.includes(needle) || values.some((v) => v.includes(needle))) hits.push(`${key} (${type})`);
      }
    } while (cursor !== '0');
    return { hits, scanned };
  } finally {
    await client.close();
  }
}
