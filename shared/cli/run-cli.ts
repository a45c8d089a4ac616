import type { Command } from 'commander';
import { isAppError } from '../errors/index.ts';

/**
 * Parses argv and runs the chosen command. Errors end the process with a non-zero exit code
 * and one line on stderr (the error code first, so scripts can grep it); no stack trace unless
 * AFFINITY_DEBUG is set.
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`error ${err.code}: ${err.message}\n`);
    } else {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    if (process.env.AFFINITY_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}
