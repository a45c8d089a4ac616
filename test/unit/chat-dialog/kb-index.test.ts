import { describe, expect, it } from 'vitest';
import { KbIndex } from '../../../services/chat/kb/kb-index.ts';
import type { KbEntry } from '../../../services/chat/kb/kb.schema.ts';

const entry = (id: string, questions: string[], answer: string, intent: string | null = null): KbEntry => ({ id, questions, answer, intent, tags: [], created_at: 0, updated_at: 0 });
// hand-made "embeddings": one axis per topic
const v = (...xs: number[]) => Float32Array.from(xs);

describe('KbIndex', () => {
  const build = async () => {
    const index = new KbIndex();
    await index.upsert(entry('track', ['where is my parcel', 'track my order'], 'Follow it on {{Website Name}}.', 'track_order'), [v(1, 0, 0), v(1, 0.1, 0)]);
    await index.upsert(entry('refund', ['how do I get my money back'], 'Refunds take five days.', 'get_refund'), [v(0, 1, 0)]);
    await index.upsert(entry('hours', ['when are you open'], 'Nine to six.'), [v(0, 0, 1)]);
    return index;
  };

  it('finds entries by the words of any question variant, or of the answer (placeholders aside)', async () => {
    const index = await build();
    expect((await index.search('track my order', undefined, 3, { denseWeight: 0 })).map((h) => h.id)).toEqual(['track']);
    expect((await index.search('refunds', undefined, 3, { denseWeight: 0 }))[0]).toEqual({ id: 'refund', score: expect.any(Number), matched: ['lexical'] });
    expect(await index.search('website', undefined, 3, { denseWeight: 0 })).toEqual([]);
  });

  it('one hit per entry, however many of its variants match', async () => {
    const index = await build();
    const hits = await index.search('where is my order parcel', v(1, 0.05, 0), 5, { denseWeight: 1 });
    expect(hits.filter((h) => h.id === 'track')).toHaveLength(1);
    expect(hits[0]).toMatchObject({ id: 'track', matched: ['lexical', 'dense'] });
  });

  it('the dense retriever finds what shares no word, weighted by DENSE_WEIGHT; at weight 0 it is not consulted', async () => {
    const index = await build();
    const dense = await index.search('opening times?', v(0, 0, 1), 2, { denseWeight: 1 });
    expect(dense[0]).toMatchObject({ id: 'hours', matched: ['dense'] });
    expect(await index.search('opening times?', v(0, 0, 1), 2, { denseWeight: 0 })).toEqual([]);
    // fused by reciprocal rank (c = 60), the dense list's share times its weight
    expect((await index.search('opening times?', v(0, 0, 1), 1, { denseWeight: 0.5 }))[0]!.score).toBeCloseTo(0.5 / 61, 12);
    expect((await index.search('opening times?', v(0, 0, 1), 1, { denseWeight: 2 }))[0]!.score).toBeCloseTo(2 / 61, 12);
    const both = await index.search('money back', v(0, 1, 0), 1, { denseWeight: 1 });
    expect(both[0]).toMatchObject({ id: 'refund', matched: ['lexical', 'dense'] });
    expect(both[0]!.score).toBeCloseTo(2 / 61, 12);
  });

  it('filters, replaces and removes entries', async () => {
    const index = await build();
    expect((await index.search('my', v(1, 1, 1), 5, { denseWeight: 1, filter: (e) => e.intent === 'get_refund' })).map((h) => h.id)).toEqual(['refund']);
    await index.upsert(entry('track', ['where is my package'], 'Ask us.', 'track_order'), [v(1, 0, 0)]);
    expect(await index.search('parcel', undefined, 3, { denseWeight: 0 })).toEqual([]);
    expect(index.withIntent('track_order').map((e) => e.answer)).toEqual(['Ask us.']);
    expect(await index.remove('track')).toBe(true);
    expect(await index.remove('track')).toBe(false);
    expect(index.size).toBe(2);
    expect((await index.search('package', v(1, 0, 0), 5, { denseWeight: 1 })).map((h) => h.id)).not.toContain('track');
    await index.dispose();
  });
});
