// A small catalog with purchase histories that a recommender learns in a moment, and a helper
// that runs a job through the admin API and waits for it. Shared by the observability tests.
import type { Express } from 'express';
import request from 'supertest';

const CATEGORIES = ['mugs', 'shoes', 'books'] as const;
const NOUNS: Record<(typeof CATEGORIES)[number], string[]> = {
  mugs: ['blue mug', 'travel mug', 'espresso cup', 'tea cup', 'coffee mug'],
  shoes: ['running shoes', 'trail shoes', 'walking boots', 'sandals', 'sneakers'],
  books: ['cook book', 'travel guide', 'crime novel', 'poetry book', 'atlas'],
};

/** 30 items: ten of each category, titled so that searches have something to find. */
export const SHOP_ITEMS = Array.from({ length: 30 }, (_, i) => {
  const category = CATEGORIES[i % 3]!;
  const noun = NOUNS[category][Math.floor(i / 3) % 5]!;
  return { id: `i${i}`, title: `${noun} ${i}`, category, price: 5 + i, in_stock: true };
});

/** Five purchases for each of 40 users (`u0` … `u39`). */
export const SHOP_EVENTS = Array.from({ length: 40 }, (_, u) =>
  Array.from({ length: 5 }, (_, j) => ({ user_id: `u${u}`, item_id: `i${(u * 3 + j * (u % 2 ? 2 : 1)) % 30}`, type: 'purchase' as const, timestamp: 1_700_000_000_000 + j })),
).flat();

/** Loads the items and events through the API. */
export async function seedShop(app: Express): Promise<void> {
  const items = await request(app).put('/v1/items').send({ items: SHOP_ITEMS });
  if (items.status !== 200) throw new Error(`PUT /v1/items: ${items.status} ${items.text}`);
  const events = await request(app).post('/v1/events').send({ events: SHOP_EVENTS });
  if (events.status >= 300) throw new Error(`POST /v1/events: ${events.status} ${events.text}`);
}

/** Runs a job through `POST /v1/admin/jobs/:name` and polls it until it completes (throws if it fails). */
export async function runJob(app: Express, name: string, body: object = {}, deadlineMs = 90_000): Promise<{ id: string; state: string; result: Record<string, unknown> }> {
  const res = await request(app).post(`/v1/admin/jobs/${name}`).send(body);
  if (res.status !== 202) throw new Error(`POST /v1/admin/jobs/${name}: ${res.status} ${res.text}`);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const job = await request(app).get(`/v1/admin/jobs/${res.body.id}`);
    if (job.body.state === 'completed') return job.body;
    if (job.body.state === 'failed') throw new Error(`job ${name} failed: ${job.body.failedReason}`);
    if (Date.now() > deadline) throw new Error(`job ${name} still ${job.body.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
