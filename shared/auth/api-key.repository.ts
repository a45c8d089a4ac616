import type { Migration, SqlDatabase } from '../storage/index.ts';
import { parseScopes, type Scope } from './scopes.ts';

/** The API keys tables; SQL both SQLite and PostgreSQL accept. */
export const authMigrations: readonly Migration[] = [
  {
    id: 'auth-001-api-keys',
    statements: [
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        rate_limit INTEGER,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT
      )`,
    ],
  },
  {
    // one row per thing done once in a deployment's life (the first-start key): its primary
    // key makes two processes starting together on PostgreSQL take turns
    id: 'auth-002-once',
    statements: ['CREATE TABLE auth_once (what TEXT PRIMARY KEY, done_at BIGINT NOT NULL)'],
  },
];

/** A stored key: never the secret, only its hash. Times in epoch milliseconds. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  secret_hash: string;
  /** Requests per minute; null = the configured default. */
  rate_limit: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface Row extends Omit<ApiKeyRecord, 'scopes'> {
  scopes: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const fromRow = (r: Row): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  scopes: parseScopes(r.scopes),
  secret_hash: r.secret_hash,
  rate_limit: num(r.rate_limit),
  created_at: Number(r.created_at),
  last_used_at: num(r.last_used_at),
  revoked_at: num(r.revoked_at),
});

/** API keys in the SQL database. */
export class ApiKeyRepository {
  constructor(private readonly db: SqlDatabase) {}

  async insert(k: Omit<ApiKeyRecord, 'last_used_at' | 'revoked_at'>, db: SqlDatabase = this.db): Promise<void> {
    await db.run('INSERT INTO api_keys (id, name, scopes, secret_hash, rate_limit, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      k.id,
      k.name,
      k.scopes.join(','),
      k.secret_hash,
      k.rate_limit,
      k.created_at,
    ]);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return row ? fromRow(row) : undefined;
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.all<Row>('SELECT * FROM api_keys ORDER BY created_at, id')).map(fromRow);
  }

  /**
   * Creates the key unless any key exists (revoked ones count) or this was done before; true
   * when it did. Of processes trying at once, one does (the others wait on the marker row).
   */
  async insertFirst(k: Omit<ApiKeyRecord, 'last_used_at' | 'revoked_at'>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const marked = await tx.run("INSERT INTO auth_once (what, done_at) VALUES ('first-start-key', ?) ON CONFLICT (what) DO NOTHING", [k.created_at]);
      if (marked.changes === 0 || (await tx.get('SELECT id FROM api_keys LIMIT 1'))) return false;
      await this.insert(k, tx);
      return true;
    });
  }

  /** Marks the key revoked; false when there is no such key or it was revoked already. */
  async revoke(id: string, now: number): Promise<boolean> {
    return (await this.db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])).changes > 0;
  }

  /** A provisioned key whose secret changed: new hash and scopes, in force again. */
  async replaceSecret(id: string, secretHash: string, scopes: readonly Scope[]): Promise<void> {
    await this.db.run('UPDATE api_keys SET secret_hash = ?, scopes = ?, revoked_at = NULL WHERE id = ?', [secretHash, scopes.join(','), id]);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [now, id]);
  }
}
