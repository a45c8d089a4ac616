import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../shared/redis/index.ts';
import { keysUnder, startRedisServer, until, type TestRedis } from '../../support/redis.ts';
import { startChatApi, trainFixtureModel, type ChatTestApi } from './chat-test-api.ts';

describe('chat sessions in Redis: expiry and renewal', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi({ CHAT_SESSION_TTL_SECONDS: '1' });
    await trainFixtureModel(t.api, 'intents');
    await trainFixtureModel(t.api, 'sentiment');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('expires a session TTL seconds after its last message: then 404 CHAT_SESSION_NOT_FOUND, and its keys are gone', async () => {
    const created = await request(t.api.app).post('/v1/chat/sessions').send({});
    expect(created.body.expires_in).toBe(1);
    const id = created.body.session_id as string;
    expect((await request(t.api.app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'where is my order' })).status).toBe(200);
    expect((await keysUnder(t.redis.url, t.keyPrefix)).filter((k) => k.includes(id))).toHaveLength(2);
    // Redis expires it; poll with a deadline rather than sleep a fixed time
    await until('the session to expire', 15_000, async () => (await request(t.api.app).get(`/v1/chat/sessions/${id}`)).status === 404);
    const gone = await request(t.api.app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'hello again' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('CHAT_SESSION_NOT_FOUND');
    expect((await request(t.api.app).post('/v1/chat/feedback').send({ session_id: id, message_index: 0, intent: 'track_order' })).body.error.code).toBe('CHAT_SESSION_NOT_FOUND');
    await until('both keys to be gone', 15_000, async () => (await keysUnder(t.redis.url, t.keyPrefix)).filter((k) => k.includes(id)).length === 0);
  });
});

describe('chat sessions in Redis: each message renews the TTL', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi({ CHAT_SESSION_TTL_SECONDS: '600' });
    await trainFixtureModel(t.api, 'intents');
    await trainFixtureModel(t.api, 'sentiment');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('puts the TTL of the state and the transcript back to CHAT_SESSION_TTL_SECONDS on every message', async () => {
    const id = (await request(t.api.app).post('/v1/chat/sessions').send({})).body.session_id as string;
    await request(t.api.app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'where is my order' });
    const keys = (await keysUnder(t.redis.url, t.keyPrefix)).filter((k) => k.includes(id));
    expect(keys.sort()).toEqual([`${t.keyPrefix}chat:session:{${id}}`, `${t.keyPrefix}chat:transcript:{${id}}`]);
    const admin = createRedis(t.redis.url, { role: 'worker' });
    try {
      await admin.connect();
      // as if most of the TTL had passed
      for (const k of keys) await admin.run((c) => c.expire(k, 5));
      for (const k of keys) expect(await admin.run((c) => c.ttl(k))).toBeLessThanOrEqual(5);
      await request(t.api.app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'cancel my order' });
      for (const k of keys) expect(await admin.run((c) => c.ttl(k))).toBeGreaterThan(590);
      // reading the transcript does not renew it
      for (const k of keys) await admin.run((c) => c.expire(k, 5));
      await request(t.api.app).get(`/v1/chat/sessions/${id}`);
      for (const k of keys) expect(await admin.run((c) => c.ttl(k))).toBeLessThanOrEqual(5);
    } finally {
      await admin.close();
    }
  });
});

describe('chat sessions when Redis goes away', () => {
  let own: TestRedis;
  let t: ChatTestApi;
  beforeAll(async () => {
    own = await startRedisServer();
    t = await startChatApi({}, own);
    await trainFixtureModel(t.api, 'intents');
    await trainFixtureModel(t.api, 'sentiment');
  });
  afterAll(async () => {
    // Redis is back by the end of the test; clean up on it
    await t?.close();
    await own?.stop();
  });

  it('answers 503 REDIS_UNAVAILABLE at once on the session routes, reports not ready, and recovers when Redis is back', async () => {
    const app = t.api.app;
    const id = (await request(app).post('/v1/chat/sessions').send({})).body.session_id as string;
    expect((await request(app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'where is my order' })).status).toBe(200);
    const port = Number(new URL(own.url).port);
    await own.stop();

    for (const res of [
      await request(app).post('/v1/chat/sessions').send({}),
      await request(app).get(`/v1/chat/sessions/${id}`),
      await request(app).post(`/v1/chat/sessions/${id}/messages`).send({ text: 'where is my order' }),
      await request(app).post('/v1/chat/feedback').send({ session_id: id, message_index: 0, intent: 'cancel_order' }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('REDIS_UNAVAILABLE');
    }
    // readiness does not depend on Redis: reads keep being served, so a load balancer keeps routing here
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ chat: true });
    // what does not need Redis still works
    expect((await request(app).post('/v1/classify/intent').send({ text: 'cancel my order' })).body.label).toBe('cancel_order');
    expect((await request(app).get('/v1/kb/search').query({ q: 'order' })).status).toBe(200);

    // a Redis restart on the same address: the client reconnects by itself
    own = await startRedisServer(port);
    await until('the session routes to work again', 20_000, async () => (await request(app).post('/v1/chat/sessions').send({})).status === 201);
  });
});

describe('chat API started while Redis is down', () => {
  it('starts without waiting for Redis and answers 503 REDIS_UNAVAILABLE from the session routes', async () => {
    const down = await startRedisServer();
    await down.stop();
    const t = await startChatApi({}, { ...down, stop: async () => undefined });
    try {
      const res = await request(t.api.app).post('/v1/chat/sessions').send({});
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
      const ready = await request(t.api.app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ chat: true, embed: true });
    } finally {
      await t.api.close();
      rmSync(t.config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
  });
});
