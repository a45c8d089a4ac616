import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { appError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';

export interface HubOptions {
  endpoint: string;
  cacheDir: string;
  token?: string;
  log: Logger;
  /** Per-file timeout. */
  timeoutMs?: number;
}

const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json', 'modules.json', 'sentence_bert_config.json', '1_Pooling/config.json'];
const WEIGHTS = ['onnx/model.onnx', 'onnx/model_quantized.onnx'];

/** Model ids look like `org/name` (optionally `name`), never like a path. */
export function looksLikeHubId(s: string): boolean {
  return /^[\w.-]+(\/[\w.-]+)?$/.test(s) && !s.startsWith('.') && !s.includes('..');
}

async function fetchTo(url: string, dest: string, opts: HubOptions): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000),
      redirect: 'follow',
    });
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw appError('EMBED_MODEL_DOWNLOAD_FAILED', `cannot reach ${url}: ${why}`, { url });
  }
  if (res.status === 404) return false;
  if (!res.ok || !res.body) throw appError('EMBED_MODEL_DOWNLOAD_FAILED', `${url} answered HTTP ${res.status}`, { url, status: res.status });
  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(part));
  await rename(part, dest);
  return true;
}

/**
 * Downloads a model in the Transformers.js layout from the Hugging Face hub, once: the files
 * go to `<cacheDir>/<id>/` and later calls use them without the network. A folder is only
 * marked complete (`.complete`) when every file arrived, so an interrupted download restarts.
 * @example const dir = await downloadFromHub('Xenova/all-MiniLM-L6-v2', { endpoint, cacheDir, log })
 */
export async function downloadFromHub(id: string, opts: HubOptions): Promise<string> {
  const dir = path.resolve(opts.cacheDir, id);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return dir;
  const base = `${opts.endpoint.replace(/\/$/, '')}/${id}/resolve/main/`;
  opts.log.info({ model: id, endpoint: opts.endpoint, dir }, 'downloading encoder from the hub');
  await rm(dir, { recursive: true, force: true });
  for (const f of REQUIRED) {
    if (!(await fetchTo(base + f, path.join(dir, f), opts))) {
      throw appError('EMBED_MODEL_DOWNLOAD_FAILED', `${id} has no ${f} on ${opts.endpoint}`, { model: id });
    }
  }
  for (const f of OPTIONAL) await fetchTo(base + f, path.join(dir, f), opts);
  let weights = 0;
  for (const f of WEIGHTS) if (await fetchTo(base + f, path.join(dir, f), opts)) weights++;
  if (weights === 0) throw appError('EMBED_MODEL_DOWNLOAD_FAILED', `${id} has no ONNX weights (onnx/model.onnx)`, { model: id });
  await writeFile(done, new Date().toISOString());
  return dir;
}
