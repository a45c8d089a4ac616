import { afterAll, beforeAll, describe } from 'vitest';
import { createTestDatabase, type TestPostgresDatabase } from '../../support/postgres.ts';
import { storageContract } from '../../support/storage-contract.ts';

// The storage contract on PostgreSQL (TEST_POSTGRES_URL, default this machine's server):
// the suite creates its own database and drops it after; each test gets a fresh schema in it.
// No server, no skip: the suite fails, saying how to start one.
describe('storage contract on PostgreSQL', () => {
  let server: TestPostgresDatabase | undefined;
  beforeAll(async () => {
    server = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.drop();
  });

  storageContract({
    dialect: 'postgres',
    fresh: async () => ({ DATABASE_URL: await server!.freshSchema() }),
  });
});
