import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../shared/config/index.ts';
import { appError } from '../../shared/errors/index.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { downloadFromHub, looksLikeHubId } from './hub-download.ts';
import { ensureGeneratedModel } from './model-generator/index.ts';

export interface ResolvedModel {
  dir: string;
  /** Public name (the `model` of /v1/embeddings). */
  id: string;
  origin: 'local' | 'hub' | 'generated';
}

/** Where the MiniLM tokenizer sits inside the shared folder. */
export function miniLmTokenizerDir(sharedDir: string): string {
  return path.resolve(sharedDir, 'models', 'all-MiniLM-L6-v2');
}

async function offlineModel(config: Config, log: Logger): Promise<ResolvedModel> {
  const tokenizerDir = miniLmTokenizerDir(config.AFFINITY_SHARED_DIR);
  const shape =
    config.EMBED_OFFLINE_SHAPE === 'auto'
      ? existsSync(path.join(tokenizerDir, 'tokenizer.json'))
        ? 'minilm-l6'
        : 'tiny'
      : config.EMBED_OFFLINE_SHAPE;
  const dir = path.resolve(config.AFFINITY_DATA_DIR, 'models', `offline-${shape}`);
  const { generated } = await ensureGeneratedModel({ shape, outDir: dir, tokenizerDir: shape === 'minilm-l6' ? tokenizerDir : undefined, seed: 42 });
  if (generated) log.info({ shape, dir }, 'generated the offline encoder (first start, or a new generator version)');
  log.warn(
    { shape, dir },
    `no EMBED_MODEL configured: serving the generated offline encoder "offline-${shape}" (random weights: ` +
      'its embeddings carry no meaning; set EMBED_MODEL to a Hugging Face id or a local folder for a real one)',
  );
  return { dir, id: `offline-${shape}`, origin: 'generated' };
}

/**
 * Turns EMBED_MODEL into a folder on disk: a local folder as is, a Hugging Face id downloaded
 * once into the cache, or (when empty) the offline encoder, generated on first use.
 * @example const { dir, id } = await resolveModel(config, log)
 */
export async function resolveModel(config: Config, log: Logger): Promise<ResolvedModel> {
  const source = config.EMBED_MODEL.trim();
  const named = (fallback: string) => config.EMBED_MODEL_ID || fallback;
  if (source === '') {
    const m = await offlineModel(config, log);
    return { ...m, id: named(m.id) };
  }
  const local = path.resolve(source);
  if (existsSync(local) && statSync(local).isDirectory()) {
    return { dir: local, id: named(path.basename(local)), origin: 'local' };
  }
  if (looksLikeHubId(source)) {
    const cacheDir = config.HF_CACHE_DIR || path.resolve(config.AFFINITY_DATA_DIR, 'hf-cache');
    const dir = await downloadFromHub(source, { endpoint: config.HF_ENDPOINT, cacheDir, token: config.HF_TOKEN || undefined, log });
    return { dir, id: named(source), origin: 'hub' };
  }
  throw appError('EMBED_MODEL_NOT_FOUND', `EMBED_MODEL "${source}" is neither a folder nor a Hugging Face model id`);
}
