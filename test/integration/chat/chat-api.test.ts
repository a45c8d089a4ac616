import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessageReply } from '../../../services/chat/index.ts';
import { until } from '../../support/redis.ts';
import { CATALOG, KB_ENTRIES } from './chat-fixtures.ts';
import { startChatApi, trainFixtureModel, type ChatTestApi } from './chat-test-api.ts';

// The chat API end to end, in process: real Redis, real SQLite, the tiny encoder, classifiers
// trained on the fixtures and put in service through the model registry.
describe('chat API', () => {
  let t: ChatTestApi;
  const app = () => t.api.app;

  const newSession = async (body: Record<string, unknown> = {}) => {
    const res = await request(app()).post('/v1/chat/sessions').send(body);
    expect(res.status).toBe(201);
    return res.body.session_id as string;
  };
  const say = async (session: string, text: string, extra: Record<string, unknown> = {}): Promise<MessageReply> => {
    const res = await request(app()).post(`/v1/chat/sessions/${session}/messages`).send({ text, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as MessageReply;
  };

  beforeAll(async () => {
    t = await startChatApi({
      DENSE_WEIGHT: '1',
      CHAT_RECOMMEND_INTENTS: 'ask_suggestions',
      CHAT_TEMPLATE_VALUES: JSON.stringify({ 'Website Name': 'shop.example' }),
      CHAT_KB_MAX_BATCH: '20',
      CHAT_HANDOFF_KEYWORDS: 'human,operator,supervisor',
    });
    expect((await request(app()).put('/v1/items').send({ items: CATALOG })).status).toBe(200);
    // popularity for shoppers the model knows nothing about: the mug first, then the novel
    const events = ['a', 'b', 'c'].map((u) => ({ user_id: u, item_id: 'mug-1', type: 'purchase' }));
    events.push({ user_id: 'a', item_id: 'book-1', type: 'purchase' }, { user_id: 'b', item_id: 'book-1', type: 'purchase' });
    expect((await request(app()).post('/v1/events').send({ events })).status).toBe(200);
    await until('the catalog to be indexed', 20_000, async () => t.api.recommend.live.size === CATALOG.length);
    expect((await request(app()).put('/v1/kb/entries').send({ entries: KB_ENTRIES })).body).toEqual({ upserted: KB_ENTRIES.length, ids: KB_ENTRIES.map((e) => e.id) });
    await trainFixtureModel(t.api, 'intents');
    await trainFixtureModel(t.api, 'sentiment');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('conversations', () => {
    it('answers a confident question from the knowledge base, its placeholders filled from slots and shop values', async () => {
      const res = await request(app()).post('/v1/chat/sessions').send({});
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ session_id: expect.stringMatching(/^[0-9a-f-]{36}$/), expires_in: 1800 });
      const r = await say(res.body.session_id, 'Where is my order #12345?');
      expect(r).toMatchObject({ action: 'answer', reason: 'confident', intent: 'track_order', message_index: 0, slots: { order_number: '12345' } });
      expect(r.confidence).toBeGreaterThanOrEqual(0.5);
      expect(r.alternatives).toHaveLength(3);
      expect(r.alternatives[0]).toEqual({ intent: 'track_order', confidence: r.confidence });
      expect(r.sentiment.label).not.toBe('negative');
      expect(r.reply).toBe('Your order 12345 is on its way. Follow it on shop.example under {{Order Tracking}}.');
      expect(r.sources).toEqual([{ kind: 'kb', id: 'faq-track', intent: 'track_order', unfilled: ['Order Tracking'] }]);
    });

    it('an intent without an entry hands off (no_answer) rather than answer from an FAQ entry sharing one word with the message', async () => {
      const track = KB_ENTRIES.find((e) => e.id === 'faq-track')!;
      const wrap = { id: 'faq-wrap', questions: ['do you offer gift wrapping?', 'can you wrap my present'], answer: 'Gift wrapping for order {{Order Number}} costs {{Gift Wrap Price}}.' };
      expect((await request(app()).put('/v1/kb/entries').send({ entries: [wrap] })).status).toBe(200);
      expect((await request(app()).delete('/v1/kb/entries/faq-track')).status).toBe(204);
      try {
        const s = (await request(app()).post('/v1/chat/sessions').send({})).body.session_id as string;
        expect(await say(s, 'track my order 12345')).toMatchObject({ intent: 'track_order', action: 'handoff', reason: 'no_answer' });
      } finally {
        expect((await request(app()).put('/v1/kb/entries').send({ entries: [track] })).status).toBe(200);
        expect((await request(app()).delete('/v1/kb/entries/faq-wrap')).status).toBe(204);
      }
    });

    it('remembers slots: a later answer uses the order number given two messages earlier', async () => {
      const s = await newSession();
      expect((await say(s, 'Where is my order #12345?')).action).toBe('answer');
      const r = await say(s, 'I want to cancel my order');
      expect(r).toMatchObject({ action: 'answer', intent: 'cancel_order', message_index: 1, slots: { order_number: '12345' } });
      expect(r.reply).toContain('To cancel order 12345, open {{Order History}}');
      expect(r.sources[0]).toMatchObject({ id: 'faq-cancel', unfilled: ['Order History', 'Cancel Order', 'Customer Email'] });
    });

    it('extracts order codes, e-mail addresses, amounts with currency and product names', async () => {
      const s = await newSession();
      const first = await say(s, 'I want to cancel order ORD-2024-0042, my email is Jane.Doe@Example.com');
      expect(first).toMatchObject({ action: 'answer', intent: 'cancel_order', slots: { order_number: 'ORD-2024-0042', email: 'jane.doe@example.com' } });
      expect(first.reply).toContain('To cancel order ORD-2024-0042');
      expect(first.reply).toContain('A confirmation goes to jane.doe@example.com.');
      const second = await say(s, 'I want a refund of $19.99 for the Coffee Mug');
      expect(second).toMatchObject({ action: 'answer', intent: 'get_refund' });
      expect(second.slots).toEqual({
        order_number: 'ORD-2024-0042',
        email: 'jane.doe@example.com',
        amount: { value: 19.99, currency: 'USD', text: '$19.99' },
        product: { id: 'mug-1', title: 'Coffee Mug' },
      });
      expect(second.reply).toBe('We will refund $19.99 for Coffee Mug within 5 days.');
      // a message naming no product leaves the slot to the earlier one, and words alone do not make a product
      const third = await say(s, 'I want 40 dollars back for the mug');
      expect(third.slots.amount).toEqual({ value: 40, currency: 'USD', text: '40 dollars' });
      expect(third.slots.product).toEqual({ id: 'mug-1', title: 'Coffee Mug' });
    });

    it('asks to clarify, naming the two likeliest intents, when unsure; a confident turn resets the count', async () => {
      const s = await newSession();
      const unsure = await say(s, 'blorf zint quax');
      expect(unsure).toMatchObject({ action: 'clarify', reason: 'low_confidence', sources: [] });
      expect(unsure.confidence).toBeLessThan(0.5);
      const [a, b] = unsure.alternatives.map((x) => x.intent.replace(/_/g, ' '));
      expect(unsure.reply).toBe(`I want to be sure I understand: is your question about ${a}, or about ${b}?`);
      expect((await say(s, 'where is my stuff')).action).toBe('answer');
      expect((await say(s, 'hmm')).action).toBe('clarify');
    });

    it('hands off after two low-confidence turns in a row, then starts counting afresh', async () => {
      const s = await newSession();
      expect((await say(s, 'blorf zint quax')).action).toBe('clarify');
      const second = await say(s, 'purple elephants dance');
      expect(second).toMatchObject({ action: 'handoff', reason: 'low_confidence_repeated' });
      expect(second.reply).toMatch(/connect you with a member of our team/);
      expect((await say(s, 'banana')).action).toBe('clarify');
    });

    it('answers greetings, thanks and goodbyes in kind, without counting them as unsure turns', async () => {
      const s = await newSession();
      const hello = await say(s, 'Hi there, I need help');
      expect(hello).toMatchObject({ action: 'answer', reason: 'small_talk', reply: 'Hello! How can I help you today?', sources: [] });
      expect((await say(s, 'blorf zint quax')).action).toBe('clarify');
      expect(await say(s, 'ok thanks')).toMatchObject({ action: 'answer', reason: 'small_talk', reply: 'Glad to help. Is there anything else I can do for you?' });
      // still the second unsure turn in a row
      expect(await say(s, 'purple elephants dance')).toMatchObject({ action: 'handoff', reason: 'low_confidence_repeated' });
      expect(await say(s, "no thanks, that's all")).toMatchObject({ action: 'answer', reason: 'small_talk', reply: 'Thank you for contacting us. Have a nice day!' });
      // a greeting with a request in it is the request
      expect(await say(s, 'hello, where is my order #12345?')).toMatchObject({ action: 'answer', reason: 'confident', intent: 'track_order' });
      const turns = (await request(app()).get(`/v1/chat/sessions/${s}`)).body.turns as Array<{ reason: string }>;
      expect(turns.map((t) => t.reason)).toEqual(['small_talk', 'low_confidence', 'small_talk', 'low_confidence_repeated', 'small_talk', 'confident']);
    });

    it('hands off at once when the customer asks for a person', async () => {
      const s = await newSession();
      const r = await say(s, 'I want to talk to a human');
      expect(r).toMatchObject({ action: 'handoff', reason: 'handoff_requested', intent: 'contact_human_agent' });
      // by words alone (CHAT_HANDOFF_KEYWORDS), whatever the intent
      const byWords = await say(s, 'where is my order? I want your supervisor');
      expect(byWords).toMatchObject({ action: 'handoff', reason: 'handoff_requested', intent: 'track_order' });
    });

    it('hands off after repeated negative sentiment (two negatives in the last three turns)', async () => {
      const s = await newSession();
      const first = await say(s, 'my parcel is late, this is terrible');
      expect(first).toMatchObject({ action: 'answer', intent: 'track_order', sentiment: { label: 'negative' } });
      expect((await say(s, 'Where is my order #12345?')).sentiment.label).not.toBe('negative');
      const third = await say(s, 'this is awful and I hate it');
      expect(third).toMatchObject({ action: 'handoff', reason: 'negative_sentiment_repeated', sentiment: { label: 'negative' } });
      expect(third.sentiment.confidence).toBeGreaterThanOrEqual(0.6);
    });

    it('recommends products when asked for suggestions: by words from the catalog search, by intent from the recommender', async () => {
      const s = await newSession({ user_id: 'shopper-1' });
      const byWords = await say(s, 'Can you recommend some running shoes?');
      expect(byWords).toMatchObject({ action: 'recommend', reason: 'suggestions_requested' });
      expect(byWords.sources[0]).toMatchObject({ kind: 'product', id: 'shoe-1', title: 'Trail Running Shoe', price: 89 });
      expect(byWords.reply).toContain('Trail Running Shoe (89)');
      // words of asking name no product: "can" is not the watering can
      const vague = await say(s, 'Can you recommend something good?');
      expect(vague).toMatchObject({ action: 'recommend', reason: 'suggestions_requested' });
      expect(vague.sources.map((p) => p.id).slice(0, 2)).toEqual(['mug-1', 'book-1']);
      expect((await say(s, 'can you suggest a watering can')).sources[0]).toMatchObject({ id: 'can-1' });
      // no product words: the recommend service's list for this (new) shopper, most bought first
      const byIntent = await say(s, 'what would be a good gift for my dad');
      expect(byIntent).toMatchObject({ action: 'recommend', intent: 'ask_suggestions' });
      expect(byIntent.sources.map((p) => p.id).slice(0, 2)).toEqual(['mug-1', 'book-1']);
      expect(byIntent.sources.every((p) => p.kind === 'product' && typeof (p as { reason?: string }).reason === 'string')).toBe(true);
    });

    it('"something like X" suggests items like X, never X itself; "I\'d like X" suggests X', async () => {
      const s = await newSession({ user_id: 'shopper-2' });
      const like = await say(s, 'can you suggest something like the Coffee Mug?');
      expect(like).toMatchObject({ action: 'recommend', slots: { product: { id: 'mug-1' } } });
      expect(like.sources.length).toBeGreaterThan(0);
      expect(like.sources.map((p) => p.id)).not.toContain('mug-1');
      expect(like.sources.every((p) => (p as { reason?: string }).reason === 'similar to Coffee Mug')).toBe(true);
      const itself = await say(s, "I'd like a watering can, what can you suggest?");
      expect(itself.sources[0]).toMatchObject({ id: 'can-1' });
    });

    it('returns the transcript of a session, with what the models said per message', async () => {
      const s = await newSession({ user_id: 'u-42' });
      await say(s, 'Where is my order #777?');
      await say(s, 'blorf zint quax');
      const res = await request(app()).get(`/v1/chat/sessions/${s}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ session_id: s, user_id: 'u-42', slots: { order_number: '777' } });
      expect(res.body.turns).toHaveLength(2);
      expect(res.body.turns[0]).toMatchObject({ index: 0, text: 'Where is my order #777?', action: 'answer', intent: 'track_order', slots: { order_number: '777' } });
      expect(res.body.turns[1]).toMatchObject({ index: 1, text: 'blorf zint quax', action: 'clarify', slots: {} });
      expect(res.body.turns[1].reply).toMatch(/^I want to be sure I understand/);
    });

    it('records every message of concurrent requests to one session exactly once, in order of index', async () => {
      const s = await newSession();
      const texts = ['where is my order', 'cancel my order', 'what delivery options do you have', 'i want a refund'];
      const replies = await Promise.all(texts.map((text) => request(app()).post(`/v1/chat/sessions/${s}/messages`).send({ text })));
      const ok = replies.filter((r) => r.status === 200);
      // a message that kept colliding is refused whole (409), never recorded twice or half
      for (const r of replies.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('CHAT_SESSION_CONFLICT');
      const turns = (await request(app()).get(`/v1/chat/sessions/${s}`)).body.turns as Array<{ index: number; text: string }>;
      expect(turns.map((x) => x.index)).toEqual(turns.map((_, i) => i));
      expect(turns).toHaveLength(ok.length);
      expect(new Set(turns.map((x) => x.text))).toEqual(new Set(ok.map((r) => texts[replies.indexOf(r)])));
      expect(new Set(ok.map((r) => r.body.message_index))).toEqual(new Set(turns.map((x) => x.index)));
    });

    it('counts a message as negative only above the threshold the sentiment model was calibrated to on ordinary messages', async () => {
      const complaints = ['my parcel is late, this is terrible', 'this is awful and I hate it'];
      // calibrated on these very messages, none may count as negative: the threshold goes above both
      await trainFixtureModel(t.api, 'sentiment', { texts: complaints, rate: 0.01, floor: 0.6 });
      try {
        const current = (await request(app()).get('/v1/admin/models/sentiment')).body;
        const threshold = current.versions.find((v: { version: string }) => v.version === current.current).metrics.negative_threshold as number;
        const s = await newSession();
        for (const text of complaints) {
          const r = await say(s, text);
          expect(r.sentiment.label).toBe('neutral');
          expect(r.sentiment.confidence).toBeGreaterThanOrEqual(0.6);
          expect(r.sentiment.confidence).toBeLessThan(threshold);
        }
        expect((await request(app()).get(`/v1/chat/sessions/${s}`)).body.turns.map((x: { action: string }) => x.action)).not.toContain('handoff');
      } finally {
        // back to the uncalibrated fixture model for whatever runs after
        await trainFixtureModel(t.api, 'sentiment');
      }
      const again = await say(await newSession(), complaints[1]!);
      expect(again.sentiment.label).toBe('negative');
    });
  });

  describe('errors', () => {
    it('answers 404 CHAT_SESSION_NOT_FOUND for an unknown session', async () => {
      const ghost = '00000000-0000-4000-8000-000000000000';
      for (const res of [
        await request(app()).post(`/v1/chat/sessions/${ghost}/messages`).send({ text: 'hello' }),
        await request(app()).get(`/v1/chat/sessions/${ghost}`),
        await request(app()).get('/v1/chat/sessions/not-an-id'),
        await request(app()).post('/v1/chat/feedback').send({ session_id: ghost, message_index: 0, intent: 'track_order' }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('CHAT_SESSION_NOT_FOUND');
      }
    });

    it('answers 400 VALIDATION_FAILED for bad bodies, and changes nothing', async () => {
      const s = await newSession();
      const bad = [
        {},
        { text: '' },
        { text: '   ' },
        { text: 42 },
        { text: 'x'.repeat(2001) },
        { text: 'hello', user_id: 7 },
        { text: 'hello', user_id: 'ctl\u0001user' },
        { text: 'lone \ud800' },
        // a misspelt user_id would silently leave the session anonymous
        { text: 'hello', userId: 'u1' },
      ];
      for (const body of bad) {
        const res = await request(app()).post(`/v1/chat/sessions/${s}/messages`).send(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await request(app()).post('/v1/chat/sessions').send({ user: 'x' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: -1, intent: 'x' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 0, intent: 'unknown' })).body.error.code).toBe('VALIDATION_FAILED');
      const notJson = await request(app()).post(`/v1/chat/sessions/${s}/messages`).set('content-type', 'text/plain').send('hello');
      expect(notJson.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect((await request(app()).get(`/v1/chat/sessions/${s}`)).body.turns).toEqual([]);
    });

    it('answers 404 CHAT_MESSAGE_NOT_FOUND for feedback on a message the session does not have', async () => {
      const s = await newSession();
      await say(s, 'where is my order');
      const res = await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 1, intent: 'track_order' });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'CHAT_MESSAGE_NOT_FOUND', details: { message_index: 1 } });
    });

    it('a correction recorded while its user is being erased does not outlive the erasure: 404, and no row', async () => {
      const s = await newSession({ user_id: 'erased-meanwhile' });
      await say(s, 'I want a refund, mail me at jo@example.com');
      const repo = t.api.chat.feedback;
      const record = repo.record.bind(repo);
      // the erasure lands between the feedback's read of the session and its write
      const spy = vi.spyOn(repo, 'record').mockImplementationOnce(async (f) => {
        expect((await request(app()).delete('/v1/users/erased-meanwhile')).status).toBe(200);
        return record(f);
      });
      try {
        const res = await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 0, intent: 'track_order' });
        expect([res.status, res.body.error?.code]).toEqual([404, 'CHAT_SESSION_NOT_FOUND']);
      } finally {
        spy.mockRestore();
      }
      expect((await repo.all()).filter((f) => f.session_id === s)).toEqual([]);
      expect((await request(app()).get('/v1/users/erased-meanwhile/export')).body.chat.feedback).toEqual([]);
    });

    it('refuses feedback naming an intent the model does not know (a typo), unless marked new; the new one is known after', async () => {
      const s = await newSession();
      await say(s, 'where is my order');
      const typo = await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 0, intent: 'track_ordr' });
      expect(typo.status).toBe(400);
      expect(typo.body.error).toMatchObject({ code: 'CHAT_UNKNOWN_INTENT', details: { intent: 'track_ordr', closest: ['track_order'] } });
      expect(typo.body.error.message).toContain('did you mean "track_order"?');
      expect((await t.api.chat.feedback.all()).filter((f) => f.session_id === s)).toEqual([]);

      const added = await request(app()).post('/v1/chat/feedback').send({ session_id: s, message_index: 0, intent: 'order_whereabouts', new_intent: true });
      expect(added.status).toBe(201);
      expect(added.body.intent).toBe('order_whereabouts');
      // once a correction has introduced it, the label is known without the flag
      const s2 = await newSession();
      await say(s2, 'where is my parcel');
      expect((await request(app()).post('/v1/chat/feedback').send({ session_id: s2, message_index: 0, intent: 'order_whereabouts' })).status).toBe(201);
    });
  });

  describe('classify routes', () => {
    it('classifies one text: label, calibrated confidence, top-k alternatives', async () => {
      const res = await request(app()).post('/v1/classify/intent').send({ text: 'Where is my order #12345?' });
      expect(res.status).toBe(200);
      expect(res.body.label).toBe('track_order');
      expect(res.body.confidence).toBeGreaterThan(0.5);
      expect(res.body.alternatives).toHaveLength(3);
      const sum = res.body.alternatives.reduce((n: number, a: { confidence: number }) => n + a.confidence, 0);
      expect(sum).toBeLessThanOrEqual(1 + 1e-9);
      expect((await request(app()).post('/v1/classify/intent').send({ text: 'where is my order', top_k: 6 })).body.alternatives).toHaveLength(6);
    });

    it('says unknown below the out-of-scope threshold, still listing the likeliest intents', async () => {
      const res = await request(app()).post('/v1/classify/intent').send({ text: 'hi' });
      expect(res.body.label).toBe('unknown');
      expect(res.body.alternatives[0].label).not.toBe('unknown');
    });

    it('classifies a text as the chat route reads it: normalised first', async () => {
      const plain = (await request(app()).post('/v1/classify/intent').send({ text: "Where's my order?" })).body;
      const styled = (await request(app()).post('/v1/classify/intent').send({ text: '  Where’s\u00a0my  ｏｒｄｅｒ？ ' })).body;
      expect(styled).toEqual(plain);
    });

    it('classifies a batch in order, for intents and sentiment', async () => {
      const intents = await request(app()).post('/v1/classify/intent').send({ texts: ['cancel my order', 'what delivery options do you have'], top_k: 2 });
      expect(intents.body.results.map((r: { label: string }) => r.label)).toEqual(['cancel_order', 'delivery_options']);
      expect(intents.body.results[0].alternatives).toHaveLength(2);
      const sentiment = await request(app()).post('/v1/classify/sentiment').send({ texts: ['this is terrible, I am very angry', 'thank you, this is wonderful'] });
      expect(sentiment.status).toBe(200);
      expect(sentiment.body.results.map((r: { label: string }) => r.label)).toEqual(['negative', 'positive']);
      const one = await request(app()).post('/v1/classify/sentiment').send({ text: 'awful service' });
      expect(one.body).toMatchObject({ label: 'negative', alternatives: [{ label: 'negative' }, { label: 'positive' }] });
    });

    it('answers 400 for a body with neither or both of text and texts, or a text empty once normalised', async () => {
      const onlyFormatCharacters = '\u200b\u0001\u200d';
      for (const body of [{}, { text: 'a', texts: ['b'] }, { texts: [] }, { text: '' }, { texts: ['ok', 3] }, { text: 'a', top_k: 0 }, { text: onlyFormatCharacters }, { texts: ['ok', onlyFormatCharacters] }, { text: 'lone \ud800' }, { text: 'a', topk: 2 }]) {
        const res = await request(app()).post('/v1/classify/intent').send(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('knowledge base', () => {
    it('reads an entry back with the template slots of its answer', async () => {
      const res = await request(app()).get('/v1/kb/entries/faq-track');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'faq-track', intent: 'track_order', tags: ['orders'], slots: ['Order Number', 'Website Name', 'Order Tracking'] });
      expect(res.body.questions).toEqual(KB_ENTRIES[0]!.questions);
    });

    it('searches hybrid: BM25 over questions and answers fused with nearest question embeddings', async () => {
      const res = await request(app()).get('/v1/kb/search').query({ q: 'how can I track my package', k: 3 });
      expect(res.status).toBe(200);
      expect(res.body.hits[0]).toMatchObject({ id: 'faq-track', matched: expect.arrayContaining(['lexical', 'dense']) });
      expect(res.body.hits.length).toBeLessThanOrEqual(3);
      // the answer is searchable too
      expect((await request(app()).get('/v1/kb/search').query({ q: 'Monday to Saturday' })).body.hits[0].id).toBe('faq-opening-hours');
      // no shared word: only the dense retriever can find anything (DENSE_WEIGHT=1 here)
      const dense = await request(app()).get('/v1/kb/search').query({ q: 'zzyzx qwop' });
      expect(dense.body.hits.length).toBeGreaterThan(0);
      for (const h of dense.body.hits) expect(h.matched).toEqual(['dense']);
      // restricted to an intent
      const only = await request(app()).get('/v1/kb/search').query({ q: 'order', intent: 'cancel_order' });
      expect(only.body.hits.map((h: { id: string }) => h.id)).toEqual(['faq-cancel']);
    });

    it('upserts, replaces and deletes entries; a deleted entry is never found again', async () => {
      const entry = { id: 'faq-gift-wrap', questions: ['do you gift wrap', 'gift wrapping'], answer: 'Gift wrapping costs {{Gift Wrap Price}}.' };
      expect((await request(app()).put('/v1/kb/entries').send({ entries: [entry] })).status).toBe(200);
      expect((await request(app()).get('/v1/kb/search').query({ q: 'gift wrapping' })).body.hits[0]).toMatchObject({ id: 'faq-gift-wrap', slots: ['Gift Wrap Price'] });
      await request(app()).put('/v1/kb/entries').send({ entries: [{ ...entry, answer: 'Gift wrapping is free.' }] });
      expect((await request(app()).get('/v1/kb/entries/faq-gift-wrap')).body).toMatchObject({ answer: 'Gift wrapping is free.', slots: [] });
      expect((await request(app()).delete('/v1/kb/entries/faq-gift-wrap')).status).toBe(204);
      const again = await request(app()).delete('/v1/kb/entries/faq-gift-wrap');
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('KB_ENTRY_NOT_FOUND');
      expect((await request(app()).get('/v1/kb/entries/faq-gift-wrap')).body.error.code).toBe('KB_ENTRY_NOT_FOUND');
      const hits = (await request(app()).get('/v1/kb/search').query({ q: 'gift wrapping', k: 10 })).body.hits as Array<{ id: string }>;
      expect(hits.map((h) => h.id)).not.toContain('faq-gift-wrap');
    });

    it('rejects a batch whole: one bad entry, a repeated id or too many entries store nothing', async () => {
      const good = { id: 'faq-returns', questions: ['how do returns work'], answer: 'Send it back within 30 days.' };
      const badBatches: Array<[unknown[], string]> = [
        [[good, { id: 'faq-bad', questions: [], answer: 'x' }], 'VALIDATION_FAILED'],
        [[good, { id: 'has space', questions: ['q'], answer: 'x' }], 'VALIDATION_FAILED'],
        // a misspelt field is refused, not dropped (as for items and events)
        [[good, { id: 'faq-typo', questions: ['q'], answer: 'x', intnet: 'refund' }], 'VALIDATION_FAILED'],
        [[good, { ...good, answer: 'other' }], 'DUPLICATE_ID_IN_BATCH'],
        [[good, { id: 'faq-nul', questions: ['q'], answer: 'a\u0000b' }], 'VALIDATION_FAILED'],
        [Array.from({ length: 21 }, (_, i) => ({ ...good, id: `faq-${i}` })), 'KB_BATCH_TOO_LARGE'],
      ];
      for (const [entries, code] of badBatches) {
        const res = await request(app()).put('/v1/kb/entries').send({ entries });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe(code);
      }
      expect((await request(app()).get('/v1/kb/entries/faq-returns')).status).toBe(404);
      expect((await request(app()).get('/v1/kb/entries/faq-0')).status).toBe(404);
      // an id no entry can have is no entry, and no database error
      for (const res of [await request(app()).get('/v1/kb/entries/kb%00x'), await request(app()).delete('/v1/kb/entries/kb%00x')]) {
        expect([res.status, res.body.error.code]).toEqual([404, 'KB_ENTRY_NOT_FOUND']);
      }
      expect((await request(app()).get('/v1/kb/search').query({ q: 'returns' })).body.hits.map((h: { id: string }) => h.id)).not.toContain('faq-returns');
      expect((await request(app()).get('/v1/kb/search')).body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  it('reports chat in /readyz', async () => {
    const res = await request(app()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toMatchObject({ chat: true });
  });
});

describe('chat API before any model is in service', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 CHAT_MODEL_NOT_LOADED on the routes that need a model; sessions and the knowledge base still work', async () => {
    const created = await request(t.api.app).post('/v1/chat/sessions').send();
    expect(created.status).toBe(201);
    const msg = await request(t.api.app).post(`/v1/chat/sessions/${created.body.session_id}/messages`).send({ text: 'where is my order' });
    expect(msg.status).toBe(503);
    expect(msg.body.error).toMatchObject({ code: 'CHAT_MODEL_NOT_LOADED' });
    for (const route of ['/v1/classify/intent', '/v1/classify/sentiment']) {
      const res = await request(t.api.app).post(route).send({ text: 'hello' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('CHAT_MODEL_NOT_LOADED');
    }
    expect((await request(t.api.app).get(`/v1/chat/sessions/${created.body.session_id}`)).body.turns).toEqual([]);
    expect((await request(t.api.app).put('/v1/kb/entries').send({ entries: KB_ENTRIES.slice(0, 1) })).status).toBe(200);
  });
});
