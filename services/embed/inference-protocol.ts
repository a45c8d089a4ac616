import type { DeviceChoice, Provider } from './onnx-backend.ts';
import type { Pooling } from './pooling.ts';

/** Messages between the main thread and an inference worker (see inference-worker.ts). */
export interface InitMessage {
  type: 'init';
  modelPath: string;
  device: DeviceChoice;
  intraOpThreads: number;
  interOpThreads: number;
  pooling: Pooling;
  normalize: boolean;
}

/** One batch: every text's token ids back to back, and each text's length. */
export interface RunMessage {
  type: 'run';
  id: number;
  ids: Int32Array;
  lengths: Int32Array;
}

export interface LogLine {
  level: 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

export type WorkerReply =
  | { type: 'ready'; provider: Provider; inputNames: string[]; outputNames: string[]; logs: LogLine[] }
  | { type: 'result'; id: number; vectors: Float32Array; dim: number }
  | { type: 'error'; id?: number; code: string; message: string };
