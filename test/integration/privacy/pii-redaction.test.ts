import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../../bin/compose-api.ts';
import type { Config } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { createRedis, type RedisClient } from '../../../shared/redis/index.ts';
import { testModelDir } from '../../support/paths.ts';
import { deleteKeysUnder, testRedis, type TestRedis } from '../../support/redis.ts';
import { testConfig } from '../../support/test-config.ts';
import { KB_ENTRIES } from '../chat/chat-fixtures.ts';
import { trainFixtureModel } from '../chat/chat-test-api.ts';

// A customer message with an e-mail address, a phone number, a valid card number and an order
// number: the live reply uses the order number (and the e-mail), while the transcript in Redis,
// the stored intent correction and every log line have the three masked.
const EMAIL = 'jane.doe@example.com';
const PHONE = '+44 7700 900123';
const CARD = '4111 1111 1111 1111';
const ORDER = 'ORD-2024-0042';
const MESSAGE = `I want to cancel order ${ORDER}, my email is ${EMAIL}, phone ${PHONE}, card ${CARD}`;
const RAW = [EMAIL, 'jane.doe', PHONE, '7700 900123', '900123', CARD, '4111'];

describe('personal data masked in transcripts, training examples and logs; the live dialog keeps its slots', () => {
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let admin: RedisClient;
  const lines: string[] = [];
  const app = () => api.app;
  const leaks = (text: string) => RAW.filter((raw) => text.includes(raw) || text.includes(encodeURIComponent(raw)));

  beforeAll(async () => {
    redis = await testRedis();
    config = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, LOG_LEVEL: 'debug' });
    // the API's logger writes into `lines`, as it would to stdout
    const log = createLogger({ level: 'debug', pii: config.PII_REDACT, destination: { write: (line: string) => void lines.push(line) } });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    await trainFixtureModel(api, 'intents');
    await trainFixtureModel(api, 'sentiment');
    expect((await request(app()).put('/v1/kb/entries').send({ entries: KB_ENTRIES })).status).toBe(200);
    admin = createRedis(redis.url, { role: 'worker' });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
    await api?.close();
    if (config) {
      await deleteKeysUnder(redis.url, `${config.REDIS_PREFIX}:`);
      rmSync(config.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
    await redis?.stop();
  });

  it('answers with the order number; stores and logs the message with e-mail, phone and card masked', async () => {
    const session = (await request(app()).post('/v1/chat/sessions').send({ user_id: 'pii-user' })).body.session_id as string;
    const res = await request(app()).post(`/v1/chat/sessions/${session}/messages`).send({ text: MESSAGE });
    expect(res.status, res.text).toBe(200);
    // the live reply: slots from the raw text
    expect(res.body).toMatchObject({ action: 'answer', intent: 'cancel_order', slots: { order_number: ORDER, email: EMAIL } });
    expect(res.body.reply).toContain(`To cancel order ${ORDER}`);
    expect(res.body.reply).toContain(`A confirmation goes to ${EMAIL}.`);

    // the transcript as stored in Redis
    const prefix = `${config.REDIS_PREFIX}:`;
    const stored = await admin.run((c) => c.lrange(`${prefix}chat:transcript:{${session}}`, 0, -1));
    expect(stored).toHaveLength(1);
    expect(leaks(stored[0]!)).toEqual([]);
    const turn = JSON.parse(stored[0]!) as { text: string; reply: string; slots: Record<string, unknown> };
    expect(turn.text).toBe(`I want to cancel order ${ORDER}, my email is [email], phone [phone], card [card]`);
    expect(turn.reply).toContain(`To cancel order ${ORDER}`);
    expect(turn.reply).toContain('A confirmation goes to [email].');
    expect(turn.slots).toEqual({ order_number: ORDER, email: '[email]' });
    // the slot values live on only in the session state, which expires with the session
    const stateKey = `${prefix}chat:session:{${session}}`;
    expect(JSON.parse((await admin.run((c) => c.hget(stateKey, 'state')))!).slots).toEqual({ order_number: ORDER, email: EMAIL });
    const ttl = await admin.run((c) => c.ttl(stateKey));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(config.CHAT_SESSION_TTL_SECONDS);
    // the transcript route shows what is stored
    const transcript = (await request(app()).get(`/v1/chat/sessions/${session}`)).body;
    expect(transcript.turns[0].text).toBe(turn.text);

    // a training example: the intent correction is stored masked
    const fb = await request(app()).post('/v1/chat/feedback').send({ session_id: session, message_index: 0, intent: 'cancel_order' });
    expect(fb.status).toBe(201);
    expect(leaks(fb.body.text)).toEqual([]);
    const rows = await api.db.all<{ text: string; user_id: string }>('SELECT text, user_id FROM chat_feedback');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain('[email]');
    expect(rows[0]!.text).toContain('[phone]');
    expect(rows[0]!.text).toContain('[card]');
    expect(rows[0]!.text).toContain(ORDER);
    expect(rows[0]!.user_id).toBe('pii-user');

    // the same text in a URL (a knowledge base search) reaches the request log masked too
    expect((await request(app()).get('/v1/kb/search').query({ q: MESSAGE })).status).toBe(200);

    // the logs: the message was logged (masked), the search URL too, and nothing leaked
    const log = lines.join('');
    expect(lines.some((l) => l.includes('"msg":"chat message"') && l.includes('[card]') && l.includes('[phone]') && l.includes('[email]'))).toBe(true);
    expect(lines.some((l) => l.includes('/v1/kb/search') && l.includes('[card]'))).toBe(true);
    expect(leaks(log)).toEqual([]);
  });

  it('masks nothing with PII_REDACT=none', async () => {
    const plain = testConfig({ EMBED_MODEL: testModelDir('tiny'), REDIS_URL: redis.url, PII_REDACT: 'none' });
    expect(plain.PII_REDACT).toEqual([]);
    const other = composeApi(plain, createLogger({ level: 'silent' }), { defaultMetrics: false });
    try {
      await other.start();
      await trainFixtureModel(other, 'intents');
      await trainFixtureModel(other, 'sentiment');
      const session = (await request(other.app).post('/v1/chat/sessions').send({})).body.session_id as string;
      expect((await request(other.app).post(`/v1/chat/sessions/${session}/messages`).send({ text: MESSAGE })).status).toBe(200);
      expect((await request(other.app).get(`/v1/chat/sessions/${session}`)).body.turns[0].text).toBe(MESSAGE);
    } finally {
      await other.close();
      await deleteKeysUnder(redis.url, `${plain.REDIS_PREFIX}:`);
      rmSync(plain.AFFINITY_DATA_DIR, { recursive: true, force: true });
    }
  });
});
