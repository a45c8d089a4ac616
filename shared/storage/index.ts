export type { SqlDatabase, SqlParams, Migration } from './sql-database.ts';
export { openSqlite, type SqliteOptions } from './sqlite-database.ts';
export { openPostgres, type PostgresOptions } from './postgres-database.ts';
export { openDatabase } from './open-database.ts';
export { inIdOrder } from './write-order.ts';
export { blobToVector, vectorToBlob } from './vector-blob.ts';
