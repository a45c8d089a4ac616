// The on-disk layout every local backend shares: one binary file and a JSON manifest in a folder.
//
//   <dir>/manifest.json          what the binary holds (kind, dim, metric, ids, …) + its size and SHA-256
//   <dir>/index-<unique>.bin     the backend's binary (hnswlib's own format, or raw float32 rows)
//
// Each save writes a binary under a fresh name, then the manifest to a temp file, fsyncs both
// and renames the manifest into place: that rename is the commit, so a reader sees the old
// complete index or the new one. Older binaries are removed after the commit.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from '../fs/write-file-durably.ts';
import { z } from 'zod';
import { appError } from '../errors/index.ts';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'affinity-vector-index';
const BINARY = /^index-[a-z0-9-]+\.bin$/;

const manifestBase = z.looseObject({
  format: z.literal(FORMAT),
  version: z.literal(1),
  kind: z.string(),
  dim: z.number().int().positive(),
  metric: z.enum(['cosine', 'ip']),
  size: z.number().int().nonnegative(),
  binary: z.object({ file: z.string().regex(BINARY), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});

export type ManifestBase = z.infer<typeof manifestBase>;
/** What a backend puts in its manifest besides the binary's description. */
export type ManifestFields = Omit<ManifestBase, 'format' | 'version' | 'binary'> & Record<string, unknown>;

async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function fsyncPath(p: string, flags = 'r+'): Promise<void> {
  const fh = await open(p, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Saves one index into `dir` (created if needed). `writeBinary` writes the backend's binary
 * to the path it is given.
 */
export async function writeIndexFolder(dir: string, fields: ManifestFields, writeBinary: (file: string) => Promise<void>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = `index-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.bin`;
  const tmpBinary = path.join(dir, `.${file}.tmp`);
  const tmpManifest = path.join(dir, `.${MANIFEST_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeBinary(tmpBinary);
    await fsyncPath(tmpBinary);
    const digest = await fileDigest(tmpBinary);
    await rename(tmpBinary, path.join(dir, file));
    const manifest = { format: FORMAT, version: 1, ...fields, binary: { file, ...digest }, saved_at: new Date().toISOString() };
    await writeFileDurably(tmpManifest, JSON.stringify(manifest));
    await rename(tmpManifest, path.join(dir, MANIFEST_FILE));
    await fsyncPath(dir, 'r');
  } catch (err) {
    await rm(tmpBinary, { force: true });
    await rm(tmpManifest, { force: true });
    await rm(path.join(dir, file), { force: true }).catch(() => undefined);
    throw err;
  }
  // the commit is done: binaries of earlier saves are garbage now
  for (const name of await readdir(dir)) {
    if (BINARY.test(name) && name !== file) await rm(path.join(dir, name), { force: true });
  }
}

/** The manifest of the index saved in `dir`, checked for shape only (not against its binary). */
export async function readManifest(dir: string): Promise<ManifestBase & Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw appError('VECTOR_INDEX_NOT_FOUND', `no saved vector index in ${dir} (no ${MANIFEST_FILE})`, { dir }, err);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw appError('VECTOR_INDEX_CORRUPT', `${path.join(dir, MANIFEST_FILE)} is not valid JSON`, { dir }, err);
  }
  const parsed = manifestBase.safeParse(json);
  if (!parsed.success) throw appError('VECTOR_INDEX_CORRUPT', `${path.join(dir, MANIFEST_FILE)} is not a vector index manifest: ${parsed.error.issues[0]?.message}`, { dir });
  return parsed.data;
}

/**
 * Reads the manifest of the index saved in `dir` and checks its binary against the recorded
 * size and SHA-256. Throws `VECTOR_INDEX_NOT_FOUND` when there is no index there and
 * `VECTOR_INDEX_CORRUPT` when the manifest or the binary is damaged.
 */
export async function readIndexFolder(dir: string): Promise<{ manifest: ManifestBase & Record<string, unknown>; binaryPath: string }> {
  // a save into the same folder may commit (and delete the binary we were told about) between
  // our reading the manifest and the binary: read the new manifest then
  for (let attempt = 0; ; attempt++) {
    const manifest = await readManifest(dir);
    const binaryPath = path.join(dir, manifest.binary.file);
    const size = await stat(binaryPath).then((s) => s.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? -1 : Promise.reject(err)));
    if (size < 0) {
      if (attempt < 2) continue;
      throw appError('VECTOR_INDEX_CORRUPT', `${binaryPath}, named by the manifest, does not exist`, { dir });
    }
    if (size !== manifest.binary.bytes) {
      throw appError('VECTOR_INDEX_CORRUPT', `${binaryPath} has ${size} bytes; the manifest says ${manifest.binary.bytes}`, { dir });
    }
    const digest = await fileDigest(binaryPath);
    if (digest.sha256 !== manifest.binary.sha256) {
      throw appError('VECTOR_INDEX_CORRUPT', `${binaryPath} does not match the checksum in its manifest (the file is damaged)`, { dir });
    }
    return { manifest, binaryPath };
  }
}

/** Throws `VECTOR_INDEX_CORRUPT` naming the folder; for checks a backend makes on its own manifest fields. */
export function corrupt(dir: string, why: string): never {
  throw appError('VECTOR_INDEX_CORRUPT', `the vector index in ${dir} is not consistent: ${why}`, { dir });
}
