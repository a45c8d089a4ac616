/** A vector as a BLOB (SQLite) or BYTEA (PostgreSQL) column stores it: its float32 bytes. */
export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A vector read back from its column. */
export function blobToVector(b: Buffer | Uint8Array): Float32Array {
  // copied: the driver's buffer may be a view into a pooled allocation with any alignment
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
