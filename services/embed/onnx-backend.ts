// The only module that imports onnxruntime-node: sessions, execution providers, tensors.
import * as ort from 'onnxruntime-node';
import { appError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';

export type DeviceChoice = 'cpu' | 'cuda' | 'webgpu' | 'auto';
export type Provider = 'cpu' | 'cuda' | 'webgpu';

export interface SessionOptions {
  device: DeviceChoice;
  intraOpThreads: number;
  interOpThreads: number;
  log: Logger;
}

/** A dense input, row-major: int64 (token ids, masks) or float32. */
export interface TensorInput {
  data: BigInt64Array | Float32Array;
  dims: readonly number[];
}

export interface FloatOutput {
  data: Float32Array;
  dims: readonly number[];
}

/** One loaded ONNX model on one execution provider. */
export interface InferenceSession {
  readonly provider: Provider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorInput>, outputName: string): Promise<FloatOutput>;
  release(): Promise<void>;
}

/** Providers this build of onnxruntime-node can use (cuda only with the cuda12 install). */
export function supportedProviders(): Provider[] {
  const names = new Set(ort.listSupportedBackends().map((b) => b.name));
  return (['cuda', 'webgpu', 'cpu'] as const).filter((p) => names.has(p));
}

function candidates(device: DeviceChoice): Provider[] {
  if (device === 'auto') return supportedProviders();
  return device === 'cpu' ? ['cpu'] : [device, 'cpu'];
}

/**
 * Opens a model on the requested provider. `auto` tries the accelerators this build has,
 * then CPU; an explicit accelerator that cannot start falls back to CPU. Either way one log
 * line says which provider runs and why.
 * @example const s = await openSession('model/onnx/model.onnx', { device: 'auto', intraOpThreads: 2, interOpThreads: 1, log })
 */
export async function openSession(modelPath: string, opts: SessionOptions): Promise<InferenceSession> {
  const failures: string[] = [];
  for (const provider of candidates(opts.device)) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: opts.intraOpThreads,
        interOpNumThreads: opts.interOpThreads,
        enableCpuMemArena: true,
        logSeverityLevel: 3,
        // idle intra-op threads spin by default; on a small machine that steals the CPU the
        // main thread needs for HTTP and tokenising, so they sleep instead
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      if (failures.length > 0) {
        opts.log.warn({ requested: opts.device, provider, failures }, `execution provider fallback: running on ${provider}`);
      } else {
        opts.log.info({ requested: opts.device, provider, model: modelPath }, `execution provider: ${provider}`);
      }
      return wrap(session, provider);
    } catch (err) {
      failures.push(`${provider}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  throw appError('EMBED_DEVICE_UNAVAILABLE', `no execution provider could open ${modelPath}: ${failures.join('; ')}`, {
    failures,
  });
}

function wrap(session: ort.InferenceSession, provider: Provider): InferenceSession {
  return {
    provider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputName) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, input] of Object.entries(feeds)) {
        tensors[name] =
          input.data instanceof BigInt64Array ? new ort.Tensor('int64', input.data, input.dims) : new ort.Tensor('float32', input.data, input.dims);
      }
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(tensors, [outputName]);
      } catch (err) {
        throw appError('EMBED_INFERENCE_FAILED', `inference failed: ${err instanceof Error ? err.message : String(err)}`, undefined, err);
      }
      const out = result[outputName] as ort.Tensor | undefined;
      if (!out || out.type !== 'float32') {
        throw appError('EMBED_INFERENCE_FAILED', `output ${outputName} is missing or not float32`);
      }
      // getData() downloads from GPU memory where the output lives there
      const data = (await out.getData()) as Float32Array;
      out.dispose?.();
      return { data, dims: out.dims };
    },
    async release() {
      await session.release();
    },
  };
}
