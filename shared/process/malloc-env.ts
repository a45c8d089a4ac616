/**
 * glibc's malloc serves a block of at least its mmap threshold (128 KiB to start with) from a
 * mapping of its own, given back to the system when freed. But when such a block is freed,
 * glibc raises the threshold to the block's size (up to 32 MiB), so from then on blocks of
 * that size come from the heap, whose freed space is kept by the process. A process that
 * reloads its models (arrays of several MiB, freed when the next version replaces them) grows
 * with every reload: measured on the API processes serving ML-100K, the malloc heap went from
 * 67 to 104, 115 and 125 MiB over three model swaps, and their RSS grew by 16–17 %.
 *
 * Setting the threshold explicitly turns that adjustment off (mallopt(3)): this keeps glibc's
 * own starting value, so model arrays are always mapped and handed back when freed (measured:
 * the heap stayed at 15–23 MiB over the same swaps). glibc reads the variable when a process
 * starts, so it is given to the processes Affinity starts (the API cluster's processes, the
 * worker); for the process `affinity` itself, set it in its environment (the Dockerfile does).
 * Other C libraries ignore it.
 */
export const MALLOC_MMAP_THRESHOLD = 128 * 1024;

/**
 * The environment for a child process: `env` plus `MALLOC_MMAP_THRESHOLD_`, unless it already
 * sets the threshold (that variable, or `glibc.malloc.mmap_threshold` in GLIBC_TUNABLES).
 * @example spawn(process.execPath, [cli, 'work'], { env: withMallocDefaults(process.env) })
 */
export function withMallocDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.GLIBC_TUNABLES?.includes('glibc.malloc.mmap_threshold')) return env;
  return { ...env, MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD) };
}
