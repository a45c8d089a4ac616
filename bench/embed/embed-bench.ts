import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { EmbedService } from '../../services/embed/embed-service.ts';
import { Encoder } from '../../services/embed/encoder.ts';
import { ensureGeneratedModel } from '../../services/embed/model-generator/index.ts';
import { MetricsRegistry } from '../../shared/metrics/index.ts';
import { closedLoop, summarize, type Latency } from '../support/load.ts';
import { bertFlops } from './bert-flops.ts';
import { benchSentences } from './bench-sentences.ts';
import { measureMatmulPeak } from './matmul-peak.ts';
import { loadPipeline, pipelineEmbed } from './pipeline-baseline.ts';

export interface EmbedBenchOptions {
  modelDir?: string;
  dataDir: string;
  sharedDir: string;
  texts: number;
  concurrency: number;
  batch: number;
  /** Engine: inference workers and intra-op threads per worker. */
  workers: number;
  threads: number;
  maxBatch: number;
  maxBatchTokens: number;
  runOverheadTokens: number;
  maxWaitMs: number;
  /** Repetitions of each configuration; the median (by throughput) is reported. */
  repeat: number;
  progress: (line: string) => void;
}

export interface Measured {
  texts_per_s: number;
  p50_ms: number;
  p99_ms: number;
  seconds: number;
  gflops: number;
}

function measured(texts: number, seconds: number, lat: Latency, flops: number): Measured {
  const r = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  return { texts_per_s: r(texts / seconds), p50_ms: lat.p50, p99_ms: lat.p99, seconds: r(seconds, 2), gflops: r(flops / seconds / 1e9) };
}

async function benchModelDir(opts: EmbedBenchOptions): Promise<string> {
  if (opts.modelDir) return path.resolve(opts.modelDir);
  const dir = path.resolve(opts.dataDir, 'models', 'bench-minilm-l6');
  const { generated } = await ensureGeneratedModel({
    shape: 'minilm-l6',
    outDir: dir,
    tokenizerDir: path.join(opts.sharedDir, 'models', 'all-MiniLM-L6-v2'),
    seed: 42,
  });
  if (generated) opts.progress(`generated the minilm-l6 benchmark encoder in ${dir}`);
  return dir;
}

/**
 * Throughput and latency of four ways to embed the same real sentences with the same
 * encoder: (a) the Transformers.js pipeline called once per text by 64 concurrent callers,
 * (b) the pipeline fed batches of 32 one after another, (c) our engine fp32 and (d) int8,
 * each under the same 64 concurrent single-text callers; plus the machine's fp32 matmul
 * peak, to say how close the engine's useful GFLOP/s come to it.
 */
export async function runEmbedBench(opts: EmbedBenchOptions) {
  const dir = await benchModelDir(opts);
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  const sizes = { hidden: config.hidden_size!, layers: config.num_hidden_layers!, intermediate: config.intermediate_size! };
  const texts = benchSentences(opts.sharedDir, opts.texts);
  const warm = texts.slice(0, Math.min(64, texts.length));
  const log = pino({ level: 'silent' });

  const load = (dtype: 'fp32' | 'int8') =>
    Encoder.load(dir, {
      id: `bench-${dtype}`,
      dtype,
      device: 'cpu',
      workers: opts.workers,
      intraOpThreads: opts.threads,
      interOpThreads: 1,
      normalize: true,
      log,
    });

  // useful work: each text's real tokens (what our tokenizer gives, same as the pipeline's)
  const counter = await load('fp32');
  const tokens = texts.map((t) => counter.tokenize(t).ids.length);
  await counter.close();
  const flops = tokens.reduce((s, n) => s + bertFlops(sizes, n), 0);
  opts.progress(`${texts.length} sentences, ${tokens.reduce((a, b) => a + b, 0)} tokens (mean ${(tokens.reduce((a, b) => a + b, 0) / texts.length).toFixed(1)}), ${(flops / 1e9).toFixed(1)} GFLOP of useful work`);

  const pipe = await loadPipeline(dir, 'fp32');
  await pipelineEmbed(pipe, warm);
  // this machine shares its cores: each configuration runs `repeat` times, the median counts
  const median = async (label: string, once: () => Promise<Measured>): Promise<Measured> => {
    const runs: Measured[] = [];
    for (let r = 0; r < Math.max(1, opts.repeat); r++) {
      runs.push(await once());
      opts.progress(`${label} #${r + 1}: ${runs.at(-1)!.texts_per_s} texts/s`);
    }
    runs.sort((x, y) => x.texts_per_s - y.texts_per_s);
    return runs[Math.floor(runs.length / 2)]!;
  };

  const pipelineSingle = await median(`(a) pipeline, one text per call, ${opts.concurrency} concurrent callers`, async () => {
    const a = await closedLoop(texts.length, opts.concurrency, (i) => pipelineEmbed(pipe, texts[i]!));
    return measured(texts.length, a.seconds, summarize(a.latencies), flops);
  });
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += opts.batch) batches.push(texts.slice(i, i + opts.batch));
  const pipelineBatched = await median(`(b) pipeline, batches of ${opts.batch} one after another (latency per batch)`, async () => {
    const b = await closedLoop(batches.length, 1, (i) => pipelineEmbed(pipe, batches[i]!));
    return measured(texts.length, b.seconds, summarize(b.latencies), flops);
  });
  await pipe.dispose();

  const engine = async (dtype: 'fp32' | 'int8'): Promise<Measured> => {
    const service = new EmbedService({
      maxBatchSize: opts.maxBatch,
      maxBatchTokens: opts.maxBatchTokens,
      runOverheadTokens: opts.runOverheadTokens,
      maxWaitMs: opts.maxWaitMs,
      maxQueue: 1_000_000,
      maxConcurrency: opts.workers,
      cacheSize: 0,
      metrics: new MetricsRegistry({ defaultMetrics: false }),
      log,
    });
    service.setEncoder(await load(dtype));
    await service.embed(warm);
    const result = await median(`(${dtype === 'fp32' ? 'c' : 'd'}) engine ${dtype}, ${opts.concurrency} concurrent single-text callers`, async () => {
      const r = await closedLoop(texts.length, opts.concurrency, (i) => service.embed([texts[i]!]));
      return measured(texts.length, r.seconds, summarize(r.latencies), flops);
    });
    await service.close();
    return result;
  };
  const engineFp32 = await engine('fp32');
  const engineInt8 = await engine('int8');

  opts.progress('fp32 matmul peak through ONNX Runtime …');
  const cores = os.availableParallelism();
  const peak = await measureMatmulPeak({ threads: cores });
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    model: { dir, ...sizes, vocab: config.vocab_size },
    machine: { cpus: cores, cpu: os.cpus()[0]?.model ?? 'unknown' },
    engine: { workers: opts.workers, intra_op_threads: opts.threads, max_batch: opts.maxBatch, run_overhead_tokens: opts.runOverheadTokens, max_wait_ms: opts.maxWaitMs },
    texts: texts.length,
    repeat: opts.repeat,
    concurrency: opts.concurrency,
    batch: opts.batch,
    mean_tokens: r2(tokens.reduce((x, y) => x + y, 0) / texts.length),
    results: {
      pipeline_single_fp32: pipelineSingle,
      pipeline_batched_fp32: pipelineBatched,
      engine_fp32: engineFp32,
      engine_int8: engineInt8,
    },
    ratio_int8_vs_pipeline_single: r2(engineInt8.texts_per_s / pipelineSingle.texts_per_s),
    ratio_fp32_vs_pipeline_batched: r2(engineFp32.texts_per_s / pipelineBatched.texts_per_s),
    gflops_achieved: engineFp32.gflops,
    gflops_peak_measured: peak.gflops,
    fraction_of_peak: r2(engineFp32.gflops / peak.gflops),
    peak_by_shape: peak.byShape,
    targets: { ratio_int8_vs_pipeline_single: 4, ratio_fp32_vs_pipeline_batched: 1.2, fraction_of_peak: 0.5 },
  };
}
