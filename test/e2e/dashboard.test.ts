// The dashboard in a real browser: Debian's Chromium, driven by playwright-core, against an API
// listening on a free port with real data (a catalog, events, two trained recommender versions,
// the chat fixtures' models and knowledge base, jobs in real BullMQ queues on Redis). Every
// section must show that data, with no console error and no failed request; a full-page
// screenshot goes to test-output/dashboard.png.
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi, type Api } from '../../bin/compose-api.ts';
import { composeWorkers, type Workers } from '../../bin/compose-worker.ts';
import type { Config } from '../../shared/config/index.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { KB_ENTRIES } from '../integration/chat/chat-fixtures.ts';
import { trainFixtureModel } from '../integration/chat/chat-test-api.ts';
import { repoRoot, testModelDir } from '../support/paths.ts';
import { deleteKeysUnder, testRedis, until, type TestRedis } from '../support/redis.ts';
import { runJob, seedShop } from '../support/small-shop.ts';
import { testConfig } from '../support/test-config.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(repoRoot, 'test-output', 'dashboard.png');

describe('the dashboard at /dashboard in headless Chromium', () => {
  const log = createLogger({ level: 'silent' });
  let redis: TestRedis;
  let config: Config;
  let api: Api;
  let workers: Workers | undefined;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`);
    redis = await testRedis();
    config = testConfig({
      EMBED_MODEL: testModelDir('tiny'),
      REDIS_URL: redis.url,
      CHAT_TEMPLATE_VALUES: JSON.stringify({ 'Website Name': 'shop.example', 'Order Tracking': 'My orders' }),
    });
    api = composeApi(config, log, { defaultMetrics: false });
    await api.start();
    workers = await composeWorkers(config, log, { metrics: api.metrics });
    await seedShop(api.app);
    expect((await request(api.app).put('/v1/kb/entries').send({ entries: KB_ENTRIES })).status).toBe(200);
    // two recommender versions, so the chart has a line
    await runJob(api.app, 'train-recommend', { tune: false, seed: 1 });
    const second = await runJob(api.app, 'train-recommend', { tune: false, seed: 7 });
    const current = (await request(api.app).get('/v1/admin/models/recommend')).body.current as string;
    await until('the current recommender in service', 10_000, async () => api.recommend.modelVersion === current);
    expect(['promoted', 'rejected']).toContain(second.result.status);
    await trainFixtureModel(api, 'intents');
    await trainFixtureModel(api, 'sentiment');
    // no worker from here on: the nightly flow the page queues stays waiting (and cheap)
    await workers.close();
    workers = undefined;
    server = await new Promise<Server>((resolve) => {
      const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await workers?.close();
    await api?.close();
    if (config) await deleteKeysUnder(redis.url, config.REDIS_PREFIX);
    await redis?.stop();
  });

  /** A page that records every console error, page error, failed request and error status. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => void (r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)));
    return { page, problems };
  }

  it('shows models, queues, recommendations, search and chat from the real APIs', async () => {
    const { page, problems } = await openPage();
    try {
      await page.goto(`${base}/dashboard`);

      // models: a chart per kind, the versions table, current and served
      const recommendCard = page.locator('[data-kind="recommend"]');
      await recommendCard.locator('canvas#chart-recommend').waitFor();
      expect(await recommendCard.locator('table.versions tbody tr').count()).toBe(2);
      expect(await recommendCard.locator('[data-field="served"]').textContent()).toBe(api.recommend.modelVersion);
      await page.locator('canvas#chart-intents').waitFor();
      await page.locator('canvas#chart-sentiment').waitFor();
      // Chart.js drew into the canvas (it sizes it to its box)
      expect(await page.locator('canvas#chart-recommend').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);

      // queues: counts per state, then the nightly button queues a flow (no worker runs it here)
      const trainCompleted = page.locator('tr[data-queue="affinity-train"] td[data-state="completed"]');
      await trainCompleted.waitFor();
      expect(Number(await trainCompleted.textContent())).toBeGreaterThanOrEqual(2);
      await page.click('#run-nightly');
      await page.locator('#nightly-state', { hasText: /queued as train-\d+/ }).waitFor();
      await page.locator('tr[data-queue="affinity-train"] td[data-state="waiting"]', { hasText: '1' }).waitFor({ timeout: 15_000 });
      await page.locator('#queue-jobs td', { hasText: 'nightly' }).first().waitFor();

      // recommendation preview
      await page.fill('#recommend-user', 'u1');
      await page.click('#recommend-form button');
      await page.locator('#recommend-results li').nth(4).waitFor();
      expect(await page.locator('#recommend-results li').count()).toBe(5);
      expect(await page.locator('#recommend-results').getAttribute('data-strategy')).toBe('personal');
      expect((await page.locator('#recommend-results .reason').first().textContent())!.length).toBeGreaterThan(5);

      // search
      await page.fill('#search-q', 'running shoes');
      await page.click('#search-form button');
      await page.locator('#search-results li').first().waitFor();
      expect(await page.locator('#search-results li').first().textContent()).toContain('running shoes');

      // chat: a session, a reply, the intent and the sentiment
      await page.fill('#chat-text', 'where is my order 12345');
      await page.click('#chat-form button');
      const reply = page.locator('#chat-log .msg.bot').first();
      await reply.waitFor();
      expect(await reply.locator('[data-field="intent"]').textContent()).toBe('track_order');
      expect(['negative', 'neutral', 'positive']).toContain(await reply.locator('[data-field="sentiment"]').textContent());
      expect(await reply.locator('.reply').textContent()).toMatch(/on its way/);
      expect(await reply.locator('.reply').textContent()).toContain('shop.example');
      expect(await page.locator('#chat-session').textContent()).toMatch(/^[\w-]{8,}$/);

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('sends the pasted key as a Bearer token and says clearly when the API refuses it', async () => {
    const { page } = await openPage();
    try {
      const sent: Array<string | undefined> = [];
      // stands in for an API with keys turned on: every JSON API call answers 401 or 403
      await page.route('**/v1/**', async (route) => {
        const auth = route.request().headers().authorization;
        sent.push(auth);
        const status = auth ? 403 : 401;
        await route.fulfill({ status, json: { error: { code: auth ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED', message: auth ? 'the key lacks the admin scope' : 'an API key is required' } } });
      });
      await page.goto(`${base}/dashboard`);
      await page.locator('#auth-message', { hasText: 'needs a key (401)' }).waitFor();
      await page.fill('#api-key', 'read-only-key');
      await page.click('#key-form button[type="submit"]');
      await page.locator('#auth-message', { hasText: 'lacks the scope' }).waitFor();
      expect(await page.locator('#auth-message').textContent()).toContain('admin key');
      expect(sent).toContain('Bearer read-only-key');
      expect(await page.evaluate(() => localStorage.getItem('affinity.apiKey'))).toBe('read-only-key');
      expect(await page.locator('[data-status="models"]').textContent()).toMatch(/^40[13]/);
    } finally {
      await page.close();
    }
  });
});
