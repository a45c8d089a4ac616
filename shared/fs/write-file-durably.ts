/**
 * Durable file writes that do not hold up other processes' commits. A disk's flush (what an
 * fsync ends with) waits for every write still buffered on the way to the device, from any
 * file. A model or index of tens of megabytes written in one go and synced at the end makes
 * every database commit synced in the meantime wait behind all of it. `affinity bench
 * commit-sync` measures it (docs/storage.md): on this project's VM disk, commit p99 6.1–7.0 ms
 * beside 16 MiB files written whole, 3.8–4.1 ms beside the same files synced every MiB.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** How much is written between two syncs of a large file. */
export const DURABLE_WRITE_CHUNK_BYTES = 1 << 20;

/**
 * Writes `data` to the open file from its current position, syncing after each `chunkBytes`
 * and once at the end, so the file is on disk when it resolves.
 * @example await writeSyncedChunks(fh, bytes);
 */
export async function writeSyncedChunks(fh: FileHandle, data: Uint8Array | string, chunkBytes = DURABLE_WRITE_CHUNK_BYTES): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    const end = Math.min(bytes.length, at + chunkBytes);
    let written = at;
    while (written < end) written += (await fh.write(bytes, written, end - written)).bytesWritten;
    // the last chunk is synced below, with the file's size
    if (end < bytes.length) await fh.datasync();
  }
  await fh.sync();
}

/**
 * Creates or replaces `file` with `data` through {@link writeSyncedChunks}: on disk when it
 * resolves (its folder entry is the caller's to sync).
 * @example await writeFileDurably('models/v1/weights.bin', bytes);
 */
export async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await writeSyncedChunks(fh, data);
  } finally {
    await fh.close();
  }
}
