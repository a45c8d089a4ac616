import { z } from 'zod';
import { appError } from '../errors/index.ts';
import { configConflicts, configSchema, type Config } from './config.schema.ts';

/**
 * Reads the configuration from an environment once, validates it and freezes it.
 * Call at boot; pass the result down. Blank values count as unset.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, string>> = {}): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = overrides[key as keyof Config] ?? env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw appError('CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`, {
      issues: z.treeifyError(parsed.error),
    });
  }
  const conflicts = configConflicts(parsed.data);
  if (conflicts.length) throw appError('CONFIG_INVALID', `invalid configuration:\n  ${conflicts.join('\n  ')}`, { conflicts });
  return Object.freeze(parsed.data);
}

export type { Config };
