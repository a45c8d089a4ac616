import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileDurably, writeSyncedChunks } from '../../../shared/fs/write-file-durably.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

describe('writeSyncedChunks', () => {
  it.each([0, 1, 9, 10, 11, 35])('writes %i bytes whole across 10-byte chunks, one datasync between chunks', async (n) => {
    const file = path.join(dir, `chunks-${n}.bin`);
    const fh = await open(file, 'w');
    let datasyncs = 0;
    const datasync = fh.datasync.bind(fh);
    fh.datasync = () => (datasyncs++, datasync());
    try {
      await writeSyncedChunks(fh, bytes(n), 10);
    } finally {
      await fh.close();
    }
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes(n));
    // the last chunk is covered by the final sync
    expect(datasyncs).toBe(Math.max(0, Math.ceil(n / 10) - 1));
  });

  it('writes from the current position of the file', async () => {
    const file = path.join(dir, 'append.bin');
    const fh = await open(file, 'w');
    try {
      await fh.write('head:');
      await writeSyncedChunks(fh, 'tail of the file', 4);
    } finally {
      await fh.close();
    }
    expect(readFileSync(file, 'utf8')).toBe('head:tail of the file');
  });
});

describe('writeFileDurably', () => {
  it('replaces a longer file with the new content only', async () => {
    const file = path.join(dir, 'replace.txt');
    await writeFileDurably(file, 'a much longer first version');
    await writeFileDurably(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
  });

  it('writes multi-byte text as its UTF-8 bytes', async () => {
    const file = path.join(dir, 'utf8.txt');
    await writeFileDurably(file, 'café – 東京');
    expect(readFileSync(file, 'utf8')).toBe('café – 東京');
  });
});
