import { createHash } from 'node:crypto';
import type { EncoderInfo } from './encoder.ts';

/** Names an encoder's vector space: stored vectors from different settings never mix. */
export function vectorSpace(info: EncoderInfo): string {
  return [info.id, info.dtype, info.dim, info.pooling, info.normalize ? 'norm' : 'raw', info.maxLength].join(':');
}

/** The key a stored vector is kept under for the text it was made from (22 characters of SHA-256). */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
