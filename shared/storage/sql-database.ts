/** Parameters of a statement: positional, bound to `?` placeholders in order. */
export type SqlParams = ReadonlyArray<string | number | bigint | boolean | null | Buffer>;

/**
 * The query layer every repository uses, whatever the database: SQLite (embedded default)
 * or PostgreSQL. Statements use `?` placeholders and the SQL both dialects share.
 */
export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws.
   * Nothing outside it sees its writes before it commits, and a write outside it never
   * becomes part of it: a rolled-back batch leaves no trace. A write outside it waits for it
   * (SQLite: every write; PostgreSQL: one touching the rows it wrote). A nested call joins
   * the transaction it is called on. On PostgreSQL a transaction that loses a deadlock or a
   * serialization conflict runs again (three tries in all), so `fn` acts only through `tx`.
   */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T>;
  /** Applies the named migrations not applied yet, in order, each in its own transaction. */
  migrate(migrations: readonly Migration[]): Promise<void>;
  close(): Promise<void>;
}

export interface Migration {
  /** Unique and stable, e.g. `recommend-001-catalog`. */
  id: string;
  /** Statements, or a function giving them per dialect where the two differ. */
  statements: readonly string[] | ((dialect: SqlDatabase['dialect']) => readonly string[]);
}
