import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { storageContract } from '../../support/storage-contract.ts';

// The storage contract on SQLite: each test on a fresh database file.
describe('storage contract on SQLite', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'affinity-db-'));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  storageContract({
    dialect: 'sqlite',
    fresh: async () => ({ DATABASE_FILE: path.join(root, `test-${++n}`, 'affinity.db') }),
  });
});
