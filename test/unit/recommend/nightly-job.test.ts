import { describe, expect, it } from 'vitest';
import { nightlyJob } from '../../../services/recommend/jobs/nightly.job.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import type { JobContext } from '../../../shared/queues/index.ts';

const ctx: JobContext = { jobId: 'train-1', attempt: 1, log: createLogger({ level: 'silent' }), progress: async () => undefined };

describe('the nightly flow', () => {
  it('goes on past a failed stage, and then reports failed, naming it', async () => {
    const ran: string[] = [];
    const job = nightlyJob({
      'train-recommend': async () => (ran.push('recommend'), { status: 'promoted', version: 'v1', metrics: { ndcg_at_10: 0.5 } }),
      'train-intents': async () => {
        ran.push('intents');
        throw new Error('no intent data');
      },
      'rebuild-index': async () => (ran.push('index'), { status: 'done' }),
    });
    const out = await job({}, ctx);
    expect(ran).toEqual(['recommend', 'intents', 'index']);
    expect(out).toMatchObject({ status: 'failed', failed: ['train-intents'], stages: { 'train-intents': { status: 'failed', error: 'no intent data' } } });
    expect(out.promoted).toEqual([{ kind: 'recommend', version: 'v1', metrics: { ndcg_at_10: 0.5 } }]);
  });

  it('reports done when every stage did its part', async () => {
    const job = nightlyJob({ 'train-recommend': async () => ({ status: 'rejected' }), 'rebuild-index': async () => ({ status: 'done' }) });
    expect(await job({}, ctx)).toMatchObject({ status: 'done', failed: [] });
  });
});
