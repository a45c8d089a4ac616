import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LRUCache } from 'lru-cache';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../../bin/compose-worker.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, testRedis, until, type TestRedis } from '../../support/redis.ts';
import { runJob, SHOP_EVENTS, SHOP_ITEMS } from '../../support/small-shop.ts';
import { testConfig } from '../../support/test-config.ts';
import { KB_ENTRIES, writeTrainingData } from '../chat/chat-fixtures.ts';
import { filesHolding, redisKeysHolding, rowsHolding } from './personal-data-scan.ts';

// DELETE /v1/users/:id end to end: a user with events, two chat sessions (one given its user
// late), an intent correction and cached recommendations in two serving processes is erased;
// after a retraining run their id is in no table, no file of the data folder (the registry
// and index snapshots), no index label, no Redis key and no serving process's cache.
const USER = 'user-erase-7f3a';
const BYSTANDER = 'u3';
const userEvents = SHOP_ITEMS.slice(0, 6).map((it, j) => ({ user_id: USER, item_id: it.id, type: 'purchase' as const, timestamp: 1_700_000_100_000 + j }));

/** The recommender's per-user candidate cache of a serving process (private: read for this check only). */
const cachedKeys = (api: Api) => [...(api.recommend.recommend as unknown as { candidates: LRUCache<string, object> }).candidates.keys()];

describe('erasure of a user: everywhere, idempotent, and still gone after retraining', () => {
  const log = createLogger({ level: 'silent' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'affinity-erasure-data-'));
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  /** A second serving process: it hears of the erasure only through Redis. */
  let other: Api;
  let workers: Workers;
  const app = () => api.app;
  const scanDatabase = () => rowsHolding(api.db, USER);
  const isDatabaseFile = (f: string) => /affinity\.db(-wal|-shm|-journal)?$/.test(f);
  const scanFiles = () => filesHolding(config.AFFINITY_DATA_DIR, USER, isDatabaseFile);
  const scanRedis = () => redisKeysHolding(redis.url, `${config.REDIS_PREFIX}:`, USER);

  beforeAll(async () => {
    redis = await testRedis();
    const data = writeTrainingData(dataDir);
    config = testConfig({
      EMBED_MODEL: testModelDir('tiny'),
      REDIS_URL: redis.url,
      CHAT_STARTUP_TRAINING: 'full',
      CHAT_INTENTS_DATA: data.intents,
      CHAT_SENTIMENT_DATA: data.sentiment,
      CHAT_RECOMMEND_INTENTS: 'ask_suggestions',
      // dense evidence on, so that the catalog vector index exists and its labels are checked too
      DENSE_WEIGHT: '1',
    });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    await api.chat.training;
    other = composeApi(config, log, { defaultMetrics: false });
    await other.start();
    workers = await composeWorkers(config, log);
    expect((await request(app()).put('/v1/items').send({ items: SHOP_ITEMS })).status).toBe(200);
    expect((await request(app()).post('/v1/events').send({ events: [...SHOP_EVENTS, ...userEvents] })).status).toBe(200);
    expect((await request(app()).put('/v1/kb/entries').send({ entries: KB_ENTRIES })).status).toBe(200);
    const trained = await runJob(app(), 'train-recommend', { tune: false });
    expect(trained.result.status).toBe('promoted');
    await until('both processes to serve the recommender', 10_000, async () => api.recommend.modelVersion === trained.result.version && other.recommend.modelVersion === trained.result.version);
  });
  afterAll(async () => {
    await workers?.close();
    await api?.close();
    await other?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    rmSync(dataDir, { recursive: true, force: true });
    await redis?.stop();
  });

  /** What the user leaves behind: recommendations in both processes, two chat sessions, a correction. */
  async function useTheShop(userId: string): Promise<{ sessions: string[] }> {
    for (const a of [api, other]) expect((await request(a.app).get(`/v1/users/${userId}/recommendations?k=3`)).body.strategy).toBe('personal');
    const first = (await request(app()).post('/v1/chat/sessions').send({ user_id: userId })).body.session_id as string;
    const say = async (id: string, body: object) => {
      const res = await request(app()).post(`/v1/chat/sessions/${id}/messages`).send(body);
      expect(res.status, res.text).toBe(200);
      return res.body as { reply: string; action: string };
    };
    await say(first, { text: 'Where is my order #12345?' });
    await say(first, { text: 'what would be a good gift for my dad' });
    expect((await request(app()).post('/v1/chat/feedback').send({ session_id: first, message_index: 0, intent: 'track_order' })).status).toBe(201);
    // a session that learns its user with a later message
    const second = (await request(app()).post('/v1/chat/sessions').send({})).body.session_id as string;
    await say(second, { text: 'cancel my order', user_id: userId });
    return { sessions: [first, second] };
  }

  it('a correction made before the session knew its user is erased with that user, also once the session has expired', async () => {
    const late = 'user-late-9c1d';
    const s = (await request(app()).post('/v1/chat/sessions').send({})).body.session_id as string;
    expect((await request(app()).post(`/v1/chat/sessions/${s}/messages`).send({ text: 'I need to cancel my order' })).status).toBe(200);
    expect((await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 0, intent: 'cancel_order' })).status).toBe(201);
    expect((await request(app()).post(`/v1/chat/sessions/${s}/messages`).send({ text: 'thanks', user_id: late })).status).toBe(200);
    // the session expires: every key of it, and the user's list of sessions, are gone
    for (const key of [`chat:session:{${s}}`, `chat:transcript:{${s}}`, `chat:user-sessions:{${late}}`]) await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:${key}`);
    expect((await request(app()).get(`/v1/users/${late}/export`)).body.chat.feedback).toMatchObject([{ session_id: s, intent: 'cancel_order', user_id: late }]);
    expect((await request(app()).delete(`/v1/users/${late}`)).body.erased.chat_feedback).toBe(1);
    expect(await rowsHolding(api.db, s)).toEqual([]);
  });

  it('exports, then erases everything stored about the user, and only theirs', async () => {
    const mine = await useTheShop(USER);
    const theirs = await useTheShop(BYSTANDER);
    // a message cannot move one user's session to another: it would land in their export and erasure
    const moved = await request(app()).post(`/v1/chat/sessions/${mine.sessions[0]}/messages`).send({ text: 'my email is bob@example.com', user_id: BYSTANDER });
    expect([moved.status, moved.body.error?.code]).toEqual([409, 'CHAT_SESSION_USER_MISMATCH']);
    // the scans do see the user where they are
    expect((await scanDatabase()).join()).toMatch(/events\.user_id.*chat_feedback\.user_id|chat_feedback\.user_id.*events\.user_id/);
    expect((await scanRedis()).hits.length).toBeGreaterThanOrEqual(3);
    for (const a of [api, other]) expect(cachedKeys(a).some((k) => k.startsWith(`${USER}\u0000`))).toBe(true);

    const exported = (await request(app()).get(`/v1/users/${USER}/export`)).body;
    expect(exported.user_id).toBe(USER);
    expect(exported.events).toHaveLength(userEvents.length);
    expect(exported.chat.sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual([...mine.sessions].sort());
    expect(exported.chat.sessions.flatMap((s: { turns: unknown[] }) => s.turns)).toHaveLength(3);
    expect(exported.chat.feedback).toMatchObject([{ session_id: mine.sessions[0], message_index: 0, intent: 'track_order', user_id: USER }]);

    const erased = await request(app()).delete(`/v1/users/${USER}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ user_id: USER, erased: { events: userEvents.length, chat_sessions: 2, chat_turns: 3, chat_feedback: 1 } });
    // idempotent
    const again = await request(app()).delete(`/v1/users/${USER}`);
    expect([again.status, again.body.erased]).toEqual([200, { events: 0, chat_sessions: 0, chat_turns: 0, chat_feedback: 0 }]);

    for (const id of mine.sessions) expect((await request(app()).get(`/v1/chat/sessions/${id}`)).status).toBe(404);
    expect((await request(app()).get(`/v1/users/${USER}/export`)).body).toMatchObject({ events: [], chat: { sessions: [], feedback: [] } });
    // every serving process dropped its cached candidates for the user (the other one through Redis)
    await until('both caches to forget the user', 5000, async () => [api, other].every((a) => !cachedKeys(a).some((k) => k.startsWith(`${USER}\u0000`))));
    expect((await request(app()).get(`/v1/users/${USER}/recommendations?k=3`)).body.strategy).toBe('popular');

    // the bystander keeps everything
    const kept = (await request(app()).get(`/v1/users/${BYSTANDER}/export`)).body;
    expect(kept.events.length).toBe(SHOP_EVENTS.filter((e) => e.user_id === BYSTANDER).length);
    expect(kept.chat.sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual([...theirs.sessions].sort());
    expect(kept.chat.feedback).toHaveLength(1);
  });

  it('after a retraining run: no table, file, index label, Redis key or cache holds the user id', async () => {
    const recommender = await runJob(app(), 'train-recommend', { tune: false, seed: 7 }, 120_000);
    expect(recommender.result.version).toBeDefined();
    const intents = await runJob(app(), 'train-intents', { seed: 7 }, 180_000);
    const manifestOf = async (kind: string, version: unknown) => (await api.recommend.registry.list(kind)).find((v) => v.manifest.version === version)!.manifest;
    // trained without the user: their events and their correction are gone (the bystander's is left)
    expect((await manifestOf('recommend', recommender.result.version)).data).toMatchObject({ events: SHOP_EVENTS.length });
    expect((await manifestOf('intents', intents.result.version)).data).toMatchObject({ feedback: 1 });

    expect(await scanDatabase()).toEqual([]);
    const files = await scanFiles();
    // the registry (three kinds, several versions each) was there to be scanned
    expect(files.scanned).toBeGreaterThan(20);
    expect(files.hits).toEqual([]);
    const redisScan = await scanRedis();
    expect(redisScan.scanned).toBeGreaterThan(0);
    expect(redisScan.hits).toEqual([]);
    // index labels: the catalog's vector and lexical indexes and the knowledge base's, in both processes
    for (const a of [api, other]) {
      const index = a.recommend.live.content.current!;
      const labels = (await a.recommend.live.content.search(new Float32Array(index.dim).fill(1), index.size)).map((h) => h.id);
      expect(labels.length).toBe(SHOP_ITEMS.length);
      expect([...a.recommend.live.ids()].filter((id) => id.includes(USER))).toEqual([]);
      expect(labels.filter((id) => id.includes(USER))).toEqual([]);
      expect((await a.chat.kb.search('order', 100)).map((h) => h.entry.id).filter((id) => id.includes(USER))).toEqual([]);
      expect(cachedKeys(a).filter((k) => k.includes(USER))).toEqual([]);
    }
  });
});
