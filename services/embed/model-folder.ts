import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appError } from '../../shared/errors/index.ts';
import type { Pooling } from './pooling.ts';

export type Dtype = 'fp32' | 'int8';

/** What an encoder folder (Transformers.js layout) says about itself. */
export interface ModelFolder {
  dir: string;
  config: Record<string, unknown>;
  tokenizerJson: object;
  tokenizerConfig: object;
  /** From the sentence-transformers pooling config when present. */
  pooling: Pooling | undefined;
  /** From sentence_bert_config.json, else tokenizer_config, capped by position embeddings. */
  maxLength: number;
  hiddenSize: number | undefined;
  /** ONNX files present per dtype. */
  onnx: Partial<Record<Dtype, string>>;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw appError('EMBED_MODEL_INVALID', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readPooling(dir: string): Pooling | undefined {
  const modulesFile = path.join(dir, 'modules.json');
  let poolingDir = path.join(dir, '1_Pooling');
  if (existsSync(modulesFile)) {
    const modules = JSON.parse(readFileSync(modulesFile, 'utf8')) as Array<{ type?: string; path?: string }>;
    const p = modules.find((m) => m.type?.endsWith('Pooling'));
    if (p?.path !== undefined) poolingDir = path.join(dir, p.path);
  }
  const file = path.join(poolingDir, 'config.json');
  if (!existsSync(file)) return undefined;
  const cfg = readJson(file);
  if (cfg.pooling_mode_cls_token === true) return 'cls';
  if (cfg.pooling_mode_mean_tokens === true) return 'mean';
  return undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/**
 * Reads an encoder folder: config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx and/or onnx/model_quantized.onnx, and the sentence-transformers files.
 * @example const folder = readModelFolder('data/models/offline-minilm-l6')
 */
export function readModelFolder(dir: string): ModelFolder {
  if (!existsSync(dir)) throw appError('EMBED_MODEL_NOT_FOUND', `model folder ${dir} does not exist`);
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!existsSync(path.join(dir, f))) throw appError('EMBED_MODEL_INVALID', `${dir} has no ${f}`);
  }
  const config = readJson(path.join(dir, 'config.json'));
  const tokenizerJson = readJson(path.join(dir, 'tokenizer.json'));
  const tokenizerConfigFile = path.join(dir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(tokenizerConfigFile) ? readJson(tokenizerConfigFile) : {};
  const stFile = path.join(dir, 'sentence_bert_config.json');
  const st = existsSync(stFile) ? readJson(stFile) : {};

  const positions = num(config.max_position_embeddings) ?? 512;
  const declared = num(st.max_seq_length) ?? num(tokenizerConfig.model_max_length);
  // tokenizer_config often says 1e30 ("no limit"); the position table is the real limit
  const maxLength = Math.min(declared ?? positions, positions);

  const onnx: Partial<Record<Dtype, string>> = {};
  const fp32 = path.join(dir, 'onnx', 'model.onnx');
  const int8 = path.join(dir, 'onnx', 'model_quantized.onnx');
  if (existsSync(fp32)) onnx.fp32 = fp32;
  if (existsSync(int8)) onnx.int8 = int8;
  if (!onnx.fp32 && !onnx.int8) throw appError('EMBED_MODEL_INVALID', `${dir} has no onnx/model.onnx nor onnx/model_quantized.onnx`);

  return {
    dir,
    config,
    tokenizerJson,
    tokenizerConfig,
    pooling: readPooling(dir),
    maxLength,
    hiddenSize: num(config.hidden_size) ?? num(config.d_model),
    onnx,
  };
}
