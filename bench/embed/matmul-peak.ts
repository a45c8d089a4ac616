import { rm, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { encodeModel, OnnxGraphBuilder } from '../../services/embed/model-generator/onnx-graph-builder.ts';
import { openSession } from '../../services/embed/onnx-backend.ts';

export interface MatmulShape {
  m: number;
  k: number;
  n: number;
}

/** Square products and the shapes an encoder's dense layers see with a full batch. */
export const PEAK_SHAPES: MatmulShape[] = [
  { m: 1024, k: 1024, n: 1024 },
  { m: 2048, k: 384, n: 1536 },
  { m: 2048, k: 1536, n: 384 },
];

/**
 * The fp32 matrix-multiply throughput this machine reaches through ONNX Runtime (MLAS) with
 * the same thread count as the encoder: the practical ceiling an encoder's GFLOP/s is
 * compared with. The weight is an initializer, as in a model, so ORT pre-packs it.
 */
export async function measureMatmulPeak(opts: { threads: number; secondsPerShape?: number; shapes?: MatmulShape[] }): Promise<{
  gflops: number;
  byShape: Array<MatmulShape & { gflops: number }>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'affinity-peak-'));
  const log = pino({ level: 'silent' });
  const byShape: Array<MatmulShape & { gflops: number }> = [];
  try {
    for (const shape of opts.shapes ?? PEAK_SHAPES) {
      const b = new OnnxGraphBuilder('matmul');
      b.addInput('a', 'float32', [shape.m, shape.k]);
      const w = new Float32Array(shape.k * shape.n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
      const wName = b.addInitializer('w', 'float32', [shape.k, shape.n], w);
      b.addOutput(b.node('MatMul', ['a', wName], {}, 'y'), 'float32', [shape.m, shape.n]);
      const file = path.join(dir, `mm-${shape.m}-${shape.k}-${shape.n}.onnx`);
      await writeFile(file, encodeModel(b.toGraph()));
      const session = await openSession(file, { device: 'cpu', intraOpThreads: opts.threads, interOpThreads: 1, log });
      const a = new Float32Array(shape.m * shape.k).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
      const feeds = { a: { data: a, dims: [shape.m, shape.k] } };
      for (let i = 0; i < 3; i++) await session.run(feeds, 'y');
      const times: number[] = [];
      const until = performance.now() + (opts.secondsPerShape ?? 1.5) * 1000;
      while (performance.now() < until || times.length < 5) {
        const t = performance.now();
        await session.run(feeds, 'y');
        times.push(performance.now() - t);
      }
      await session.release();
      times.sort((x, y) => x - y);
      const median = times[Math.floor(times.length / 2)]!;
      byShape.push({ ...shape, gflops: Math.round(((2 * shape.m * shape.k * shape.n) / (median / 1000) / 1e9) * 10) / 10 });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { gflops: Math.max(...byShape.map((s) => s.gflops)), byShape };
}
