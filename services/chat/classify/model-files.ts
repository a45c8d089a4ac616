import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../../shared/errors/index.ts';
import type { FolderFile } from '../../../shared/fs/write-folder-atomically.ts';

/** The typed arrays a model folder may hold, by the dtype its manifest names. */
export type StoredArray = Float32Array | Int32Array | Uint32Array | Int8Array;
type Dtype = 'float32' | 'int32' | 'uint32' | 'int8';

export interface ArrayEntry {
  file: string;
  dtype: Dtype;
  length: number;
}

const MANIFEST = 'manifest.json';

function dtypeOf(a: StoredArray): Dtype {
  return a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : a instanceof Int8Array ? 'int8' : 'uint32';
}

/**
 * A model folder's files: `manifest.json` (the JSON `meta`, plus where each array is) and one
 * little-endian binary file per named array (`<name>.bin`). Binary arrays keep a 10 MB weight
 * matrix out of JSON and load without parsing.
 */
export function toModelFiles(meta: Record<string, unknown>, arrays: Record<string, StoredArray>): FolderFile[] {
  const entries: Record<string, ArrayEntry> = {};
  const files: FolderFile[] = [];
  for (const [name, a] of Object.entries(arrays)) {
    const file = `${name}.bin`;
    entries[name] = { file, dtype: dtypeOf(a), length: a.length };
    files.push({ path: file, data: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  }
  const manifest = { ...meta, byte_order: 'little-endian', arrays: entries };
  files.unshift({ path: MANIFEST, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  return files;
}

/** The manifest and arrays back from files made by {@link toModelFiles}; throws `CLASSIFIER_MODEL_INVALID`. */
export function fromModelFiles(files: readonly FolderFile[]): { meta: Record<string, unknown>; arrays: Map<string, StoredArray> } {
  const byPath = new Map(files.map((f) => [f.path, f.data]));
  const raw = byPath.get(MANIFEST);
  if (!raw) throw appError('CLASSIFIER_MODEL_INVALID', 'the model has no manifest.json');
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw appError('CLASSIFIER_MODEL_INVALID', 'manifest.json is not valid JSON', undefined, err);
  }
  const arrays = new Map<string, StoredArray>();
  for (const [name, e] of Object.entries((meta.arrays ?? {}) as Record<string, ArrayEntry>)) {
    const data = byPath.get(e.file);
    const width = e.dtype === 'int8' ? 1 : 4;
    if (!data || data.byteLength !== e.length * width) {
      throw appError('CLASSIFIER_MODEL_INVALID', `array ${name} (${e.file}) is missing or not ${e.length} ${e.dtype} values`, { array: name });
    }
    const copy = new ArrayBuffer(data.byteLength); // aligned, and owned by the model
    new Uint8Array(copy).set(data);
    const typed = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array, int8: Int8Array }[e.dtype];
    if (!typed) throw appError('CLASSIFIER_MODEL_INVALID', `array ${name} has unknown dtype ${String(e.dtype)}`, { array: name });
    arrays.set(name, new typed(copy));
  }
  return { meta, arrays };
}

/** Reads every file of a model folder (it is flat). Throws `CLASSIFIER_MODEL_INVALID` when it cannot. */
export async function readModelFolder(dir: string): Promise<FolderFile[]> {
  try {
    const names = await readdir(dir);
    return await Promise.all(names.map(async (name) => ({ path: name, data: new Uint8Array(await readFile(path.join(dir, name))) })));
  } catch (err) {
    throw appError('CLASSIFIER_MODEL_INVALID', `cannot read the model folder ${dir}: ${err instanceof Error ? err.message : String(err)}`, { dir }, err);
  }
}
