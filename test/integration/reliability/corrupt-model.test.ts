// A model version damaged on disk: its files no longer match the checksums recorded when it
// was published. The service refuses it at load, keeps (or falls back to) the last good
// version, and logs why; promoting it is refused too.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { RECOMMEND_KIND, trainFromCatalog } from '../../../services/recommend/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import type { ModelVersion } from '../../../shared/registry/index.ts';
import { testModelDir } from '../../support/paths.ts';
import { testConfig } from '../../support/test-config.ts';

const items = Array.from({ length: 30 }, (_, i) => ({ id: `i${i}`, title: `item ${i}`, category: i % 2 ? 'odd' : 'even' }));
const events = Array.from({ length: 40 }, (_, u) =>
  Array.from({ length: 5 }, (_, j) => ({ user_id: `u${u}`, item_id: `i${(u * 3 + j * (u % 2 ? 2 : 1)) % 30}`, type: 'purchase' as const, timestamp: 1_700_000_000_000 + j })),
).flat();

/** An API whose log lines are kept, to check what it says about the refused version. */
function apiWithLog(config: Config): { api: Api; lines: () => Array<{ msg: string; version?: string; err?: string }> } {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (out.push(...String(chunk).trim().split('\n')), done()) });
  const api = composeApi(config, pino({ level: 'info' }, sink), { defaultMetrics: false });
  return { api, lines: () => out.map((l) => JSON.parse(l) as { msg: string; version?: string; err?: string }) };
}

/** Flips bytes in the biggest file of a version (not its manifest). */
function damage(v: ModelVersion): string {
  const files = readdirSync(v.dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'manifest.json')
    .map((d) => path.join(d.parentPath, d.name));
  const biggest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const bytes = readFileSync(biggest);
  for (let i = 0; i < bytes.length; i += 97) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(biggest, bytes);
  return path.relative(v.dir, biggest);
}

describe('a corrupted model version', () => {
  const opened: Api[] = [];
  afterEach(async () => {
    for (const a of opened.splice(0)) await a.close();
  });

  async function twoVersions(config: Config): Promise<{ api: Api; v1: string; v2: ModelVersion }> {
    const { api } = apiWithLog(config);
    opened.push(api);
    await api.start();
    await request(api.app).put('/v1/items').send({ items });
    await request(api.app).post('/v1/events').send({ events });
    const { repository, registry } = api.recommend;
    const first = await trainFromCatalog(repository, registry, { tune: false, seed: 1 });
    const second = await trainFromCatalog(repository, registry, { tune: false, seed: 2, tolerance: 1 });
    expect(first.promoted && second.promoted).toBe(true);
    return { api, v1: first.version.manifest.version, v2: (await registry.current(RECOMMEND_KIND))! };
  }

  it('is refused at start: the last good version serves, and the log says why', async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), NIGHTLY_CRON: 'off' });
    const { v1, v2 } = await twoVersions(config);
    const file = damage(v2);

    const { api, lines } = apiWithLog(config);
    opened.push(api);
    await api.start();
    expect(api.recommend.modelVersion).toBe(v1);
    const refused = lines().find((l) => l.msg === `refusing recommender ${v2.manifest.version}`);
    expect(refused?.err).toContain(`${file} does not match its checksum`);
    expect(lines().some((l) => l.msg.includes(`the current recommender is unusable; serving ${v1}`))).toBe(true);
    const models = await request(api.app).get('/v1/admin/models/recommend');
    expect(models.body).toMatchObject({ current: v2.manifest.version, served: v1 });
    expect((await request(api.app).get('/v1/users/u1/recommendations?k=3')).status).toBe(200);
  });

  it('is refused when a running process is told to load it: what it serves stays', async () => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), NIGHTLY_CRON: 'off' });
    const { v1, v2 } = await twoVersions(config);
    const { api } = apiWithLog(config);
    opened.push(api);
    await api.start();
    expect(api.recommend.modelVersion).toBe(v2.manifest.version);
    // back to v1 (fine), then damage v2 and ask for it again
    expect((await request(api.app).post('/v1/admin/models/recommend/promote').send({ version: v1 })).status).toBe(200);
    expect(api.recommend.modelVersion).toBe(v1);
    damage(v2);
    const res = await request(api.app).post('/v1/admin/models/recommend/promote').send({ version: v2.manifest.version });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('REGISTRY_VERSION_CORRUPT');
    expect((await api.recommend.registry.current(RECOMMEND_KIND))!.manifest.version).toBe(v1);
    expect(api.recommend.modelVersion).toBe(v1);
  });

  it.each([
    ['its manifest', (v2: ModelVersion) => path.join(v2.dir, 'manifest.json'), 'v1'],
    ['the CURRENT file', (v2: ModelVersion) => path.join(path.dirname(v2.dir), 'CURRENT'), 'v2'],
  ] as const)('with %s damaged: a good version serves, the model routes answer, and training or promoting repairs it', async (_what, fileOf, serves) => {
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), NIGHTLY_CRON: 'off' });
    const { v1, v2 } = await twoVersions(config);
    const file = fileOf(v2);
    writeFileSync(file, `${readFileSync(file, 'utf8').slice(0, 40)}garbage`);

    const { api, lines } = apiWithLog(config);
    opened.push(api);
    await api.start();
    // a damaged manifest leaves v1, the newest good version once in service; a damaged CURRENT names none, so v2 (its manifest is fine)
    const expected = serves === 'v1' ? v1 : v2.manifest.version;
    expect(api.recommend.modelVersion).toBe(expected);
    expect(lines().some((l) => l.msg.startsWith('refusing recommender'))).toBe(true);
    expect((await request(api.app).get('/v1/users/u1/recommendations?k=3')).body.strategy).toBe('personal');
    const models = await request(api.app).get('/v1/admin/models');
    expect(models.status).toBe(200);
    // what this process serves, whatever the registry says is in service
    expect(models.body.served.recommend).toBe(expected);
    const listed = await request(api.app).get('/v1/admin/models/recommend');
    expect([listed.status, listed.body.served]).toEqual([200, expected]);

    // training is not blocked by it: the new version goes into service and CURRENT is whole again
    const third = await trainFromCatalog(api.recommend.repository, api.recommend.registry, { tune: false, seed: 3 });
    expect(third.promoted).toBe(true);
    expect(await api.recommend.registry.currentName(RECOMMEND_KIND)).toBe(third.version.manifest.version);
    // and promoting by hand works too
    const back = await request(api.app).post('/v1/admin/models/recommend/promote').send({ version: v1 });
    expect(back.status, back.text).toBe(200);
    expect(api.recommend.modelVersion).toBe(v1);
  });
});
