// An inference worker thread: owns one ONNX session, runs batches, pools and normalises.
// onnxruntime-node runs a session synchronously on the calling thread, so inference lives
// here and the main thread's event loop stays free for HTTP, tokenising and batching.
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { InitMessage, LogLine, RunMessage, WorkerReply } from './inference-protocol.ts';
import { openSession, type InferenceSession, type TensorInput } from './onnx-backend.ts';
import { l2Normalize, poolRow } from './pooling.ts';

const OUTPUT_PREFERENCE = ['last_hidden_state', 'token_embeddings', 'sentence_embedding'];

let session: InferenceSession | undefined;
let init: InitMessage | undefined;
let outputName = '';
let feedsTokenTypes = false;

const port = parentPort!;
const reply = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function collectingLogger(lines: LogLine[]): Logger {
  const push = (level: LogLine['level']) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  return { info: push('info'), warn: push('warn') } as unknown as Logger;
}

async function onInit(m: InitMessage): Promise<void> {
  const logs: LogLine[] = [];
  session = await openSession(m.modelPath, { device: m.device, intraOpThreads: m.intraOpThreads, interOpThreads: m.interOpThreads, log: collectingLogger(logs) });
  init = m;
  outputName = OUTPUT_PREFERENCE.find((n) => session!.outputNames.includes(n)) ?? session.outputNames[0]!;
  feedsTokenTypes = session.inputNames.includes('token_type_ids');
  reply({ type: 'ready', provider: session.provider, inputNames: [...session.inputNames], outputNames: [...session.outputNames], logs });
}

async function onRun(m: RunMessage): Promise<void> {
  const rows = m.lengths.length;
  let seq = 0;
  for (const l of m.lengths) seq = Math.max(seq, l);
  const ids = new BigInt64Array(rows * seq);
  const mask = new BigInt64Array(rows * seq);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * seq;
    for (let i = 0; i < m.lengths[r]!; i++) {
      ids[off + i] = BigInt(m.ids[at++]!);
      mask[off + i] = 1n;
    }
  }
  const dims = [rows, seq];
  const feeds: Record<string, TensorInput> = { input_ids: { data: ids, dims }, attention_mask: { data: mask, dims } };
  if (feedsTokenTypes) feeds.token_type_ids = { data: new BigInt64Array(rows * seq), dims };
  const out = await session!.run(feeds, outputName);
  const dim = out.dims[out.dims.length - 1]!;
  const vectors = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const v = poolRow(out.data, out.dims, r, m.lengths[r]!, init!.pooling);
    vectors.set(init!.normalize ? l2Normalize(v) : v, r * dim);
  }
  reply({ type: 'result', id: m.id, vectors, dim }, [vectors.buffer as ArrayBuffer]);
}

port.on('message', (m: InitMessage | RunMessage | { type: 'close' }) => {
  const id = m.type === 'run' ? m.id : undefined;
  const fail = (err: unknown) =>
    reply({
      type: 'error',
      id,
      code: isAppError(err) ? err.code : 'EMBED_INFERENCE_FAILED',
      message: err instanceof Error ? err.message : String(err),
    });
  if (m.type === 'init') onInit(m).catch(fail);
  else if (m.type === 'run') onRun(m).catch(fail);
  else if (m.type === 'close') {
    void (session?.release() ?? Promise.resolve()).finally(() => port.close());
  }
});
