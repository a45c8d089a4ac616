// Two serving processes on one database and one Redis (as API_PROCESSES=2 runs them): a
// knowledge base change made through one is searchable, or gone, in the other too.
import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { KbVectorRepository } from '../../../services/chat/kb/kb-vector.repository.ts';
import { KbRepository } from '../../../services/chat/kb/kb.repository.ts';
import { textHash } from '../../../services/embed/index.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, freePort, startRedisServer, testRedis, until, untilSignalsSubscribed, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';

describe('a change whose announcement was lost while Redis was away reaches the serving processes once Redis is back', () => {
  it('a knowledge base entry stored during the outage is searchable after it', { timeout: 60_000 }, async () => {
    const port = await freePort();
    let redis = await startRedisServer(port);
    const config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, CHAT_STARTUP_TRAINING: 'off', REDIS_COMMAND_TIMEOUT_MS: '500' });
    const one = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    const two = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    try {
      await Promise.all([one.start(), two.start()]);
      await untilSignalsSubscribed(redis.url, config.REDIS_PREFIX, 2);
      await redis.stop();
      // stored while Redis is away, its announcement lost (as one published just before the other
      // process subscribed again would be): written straight to the database, announced to no one
      await new KbRepository(one.db).upsertMany([{ id: 'outage-kb', questions: ['where is the platypusheron'], answer: 'stored while Redis was away' }]);
      redis = await startRedisServer(port);
      const found = async () => ((await request(two.app).get('/v1/kb/search').query({ q: 'platypusheron' })).body.hits as Array<{ id: string }>).map((h) => h.id);
      await until('the other process to catch up', 30_000, async () => (await found()).includes('outage-kb'));
    } finally {
      await one.close();
      await two.close();
      await redis.stop();
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
  });
});

describe('knowledge base changes across serving processes', () => {
  let redis: TestRedis;
  let config: Config;
  let one: Api;
  let two: Api;

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, CHAT_STARTUP_TRAINING: 'off' });
    one = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    two = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    await Promise.all([one.start(), two.start()]);
    await untilSignalsSubscribed(redis.url, config.REDIS_PREFIX, 2);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
    await redis.stop();
    rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
  });

  const hits = async (api: Api) => ((await request(api.app).get('/v1/kb/search').query({ q: 'zebraquokka' })).body.hits as Array<{ id: string; answer: string }>).map((h) => `${h.id}:${h.answer}`);

  it('an upsert, a replacement and a delete through one process reach the other', async () => {
    const entry = { id: 'zebra-kb', questions: ['how do I feed my zebraquokka'], answer: 'zebraquokka answer v1' };
    expect((await request(one.app).put('/v1/kb/entries').send({ entries: [entry] })).status).toBe(200);
    await until('the other process to index it', 10_000, async () => (await hits(two)).length > 0);
    expect(await hits(two)).toEqual(['zebra-kb:zebraquokka answer v1']);

    expect((await request(one.app).put('/v1/kb/entries').send({ entries: [{ ...entry, answer: 'zebraquokka answer v2' }] })).status).toBe(200);
    await until('the other process to take the new answer', 10_000, async () => (await hits(two))[0] === 'zebra-kb:zebraquokka answer v2');

    expect((await request(two.app).delete('/v1/kb/entries/zebra-kb')).status).toBe(204);
    await until('the first process to drop it', 10_000, async () => (await hits(one)).length === 0);
    expect(await hits(two)).toEqual([]);
  });

  it('the other process applies just the entries that changed: it does not rebuild its whole index (which embeds every question again)', async () => {
    const reload = vi.spyOn(two.chat.kb, 'load');
    const applied = vi.spyOn(two.chat.kb, 'applyChange');
    try {
      const entries = [1, 2, 3].map((n) => ({ id: `kangaroo-${n}`, questions: [`where is my zebraquokka number ${n}`], answer: `zebraquokka ${n}` }));
      expect((await request(one.app).put('/v1/kb/entries').send({ entries })).status).toBe(200);
      await until('the other process to index them', 10_000, async () => (await hits(two)).length === 3);
      expect(applied).toHaveBeenCalledWith(expect.objectContaining({ upserted: ['kangaroo-1', 'kangaroo-2', 'kangaroo-3'], removed: [] }));
      expect((await request(one.app).delete('/v1/kb/entries/kangaroo-2')).status).toBe(204);
      await until('the other process to drop it', 10_000, async () => (await hits(two)).length === 2);
      expect((await hits(two)).sort()).toEqual(['kangaroo-1:zebraquokka 1', 'kangaroo-3:zebraquokka 3']);
      expect(reload).not.toHaveBeenCalled();
    } finally {
      reload.mockRestore();
      applied.mockRestore();
    }
  });

  it('a question is embedded once: the other process, and a process started later, read its vector from the database', async () => {
    const before = two.chat.kb.embeddedQuestions;
    const entries = [{ id: 'emu-1', questions: ['where is my zebraquokka emu', 'emu zebraquokka status'], answer: 'emu answer' }];
    expect((await request(one.app).put('/v1/kb/entries').send({ entries })).status).toBe(200);
    await until('the other process to index it', 10_000, async () => (await hits(two)).some((h) => h.startsWith('emu-1:')));
    expect(two.chat.kb.embeddedQuestions).toBe(before);

    const three = composeApi(config, createLogger({ level: 'silent' }), { defaultMetrics: false });
    try {
      await three.start();
      expect(three.chat.kb.embeddedQuestions).toBe(0);
      expect(await hits(three)).toEqual(await hits(one));
    } finally {
      await three.close();
    }

    // the vectors of a question no entry has any more go at the next prune
    const store = new KbVectorRepository(one.db);
    const [space] = (await one.db.all<{ model: string }>('SELECT DISTINCT model FROM kb_question_vectors')).map((r) => r.model);
    const emuHash = textHash('where is my zebraquokka emu');
    expect((await store.get(space!, [emuHash])).size).toBe(1);
    expect((await request(one.app).delete('/v1/kb/entries/emu-1')).status).toBe(204);
    const keep = new Set((await new KbRepository(one.db).all()).flatMap((e) => e.questions).map(textHash));
    expect(await store.prune(keep, Date.now() + 1)).toBeGreaterThanOrEqual(2);
    expect((await store.get(space!, [emuHash])).size).toBe(0);
  });
});
