import { describe, expect, it } from 'vitest';
import { MALLOC_MMAP_THRESHOLD, withMallocDefaults } from '../../../shared/process/malloc-env.ts';

describe('withMallocDefaults', () => {
  it('adds a fixed mmap threshold to the environment and keeps the rest', () => {
    const env = { PATH: '/usr/bin', PORT: '8080' };
    expect(withMallocDefaults(env)).toEqual({ PATH: '/usr/bin', PORT: '8080', MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD) });
    expect(env).not.toHaveProperty('MALLOC_MMAP_THRESHOLD_');
  });

  it('leaves a threshold the operator set alone, as a variable or a glibc tunable', () => {
    expect(withMallocDefaults({ MALLOC_MMAP_THRESHOLD_: '1048576' }).MALLOC_MMAP_THRESHOLD_).toBe('1048576');
    const tunables = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536' };
    expect(withMallocDefaults(tunables)).toEqual(tunables);
  });
});
