import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.ts';
import { openDatabase } from '../../../shared/storage/index.ts';

describe('DATABASE_URL', () => {
  it('is empty by default: SQLite', () => {
    expect(loadConfig({}).DATABASE_URL).toBe('');
  });

  it('takes postgres:// and postgresql:// URLs, refuses anything else at boot', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/affinity' }).DATABASE_URL).toBe('postgres://u:p@db:5432/affinity');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/affinity?sslmode=require' }).DATABASE_URL).toBe('postgresql://db/affinity?sslmode=require');
    for (const bad of ['mysql://db/affinity', 'db:5432/affinity', '/var/lib/affinity.db']) {
      expect(() => loadConfig({ DATABASE_URL: bad }), bad).toThrow(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    }
  });

  it('makes openDatabase choose PostgreSQL (without connecting until the first statement)', async () => {
    const db = openDatabase(loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
    expect(db.dialect).toBe('postgres');
    await expect(db.get('SELECT 1')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining('127.0.0.1:1/none') });
    await db.close();
  });
});
