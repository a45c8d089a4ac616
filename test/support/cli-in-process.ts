// Runs an `affinity` command in this process (its commander program), with a test's
// configuration in the environment, and returns what it printed on stdout.
import type { Command } from 'commander';
import { vi } from 'vitest';
import type { Config } from '../../shared/config/index.ts';

const ENV_KEYS = ['AFFINITY_DATA_DIR', 'AFFINITY_SHARED_DIR', 'REDIS_URL', 'REDIS_PREFIX', 'LOG_LEVEL'] as const;

/** @example const stdout = await runCliInProcess(program(), ['import', 'kb', '--json'], t.config) */
export async function runCliInProcess(program: Command, args: readonly string[], config: Config): Promise<string> {
  const out: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  for (const key of ENV_KEYS) vi.stubEnv(key, String(config[key]));
  try {
    await program.parseAsync(['node', 'affinity', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
    vi.unstubAllEnvs();
  }
  return out.join('');
}

/** The JSON object a `--json` command printed as its last line. */
export const lastJsonLine = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
