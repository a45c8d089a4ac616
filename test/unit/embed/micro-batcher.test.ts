import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../../services/embed/micro-batcher.ts';
import { AppError } from '../../../shared/errors/index.ts';

function recorder(opts: Partial<ConstructorParameters<typeof MicroBatcher<number, string>>[0]> = {}) {
  const runs: number[][] = [];
  const batcher = new MicroBatcher<number, string>({
    maxBatchSize: 8,
    maxBatchTokens: 1_000_000,
    runOverheadTokens: 1_000_000,
    maxWaitMs: 5,
    maxQueue: 100,
    length: (n) => n,
    run: async (items) => {
      runs.push(items);
      return items.map((n) => `out:${n}`);
    },
    ...opts,
  });
  return { batcher, runs };
}

describe('MicroBatcher', () => {
  it('coalesces concurrent submissions and routes each result to its caller', async () => {
    const { batcher, runs } = recorder();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(results).toEqual(['out:1', 'out:2', 'out:3', 'out:4', 'out:5']);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('never runs more than maxBatchSize items per dispatch', async () => {
    const { batcher, runs } = recorder({ maxBatchSize: 4 });
    const out = await batcher.submitAll(Array.from({ length: 10 }, (_, i) => i));
    expect(out).toHaveLength(10);
    expect(Math.max(...runs.map((r) => r.length))).toBeLessThanOrEqual(4);
    expect(runs.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('rejects the whole request with EMBED_OVERLOADED when the queue is full, admitting none of it', async () => {
    const { batcher } = recorder({ maxQueue: 3, maxWaitMs: 50 });
    const first = batcher.submitAll([1, 2]);
    await expect(batcher.submitAll([3, 4])).rejects.toMatchObject({ code: 'EMBED_OVERLOADED' });
    expect(batcher.queued).toBe(2);
    await expect(first).resolves.toEqual(['out:1', 'out:2']);
  });

  it('rejects the callers of a failed run and keeps serving', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxBatchTokens: 1e6,
      runOverheadTokens: 1e6,
      maxWaitMs: 1,
      maxQueue: 10,
      length: () => 1,
      run: async (items) => {
        if (fail) throw new AppError('EMBED_INFERENCE_FAILED');
        return items;
      },
    });
    await expect(batcher.submit(1)).rejects.toMatchObject({ code: 'EMBED_INFERENCE_FAILED' });
    fail = false;
    await expect(batcher.submit(2)).resolves.toBe(2);
  });

  it('splits a dispatch into runs of similar lengths when padding is costly', async () => {
    const { batcher, runs } = recorder({ runOverheadTokens: 4 });
    await Promise.all([2, 100, 3, 98].map((n) => batcher.submit(n)));
    expect(runs.map((r) => [...r].sort((a, b) => a - b))).toEqual([
      [2, 3],
      [98, 100],
    ]);
  });
});
