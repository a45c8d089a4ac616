/**
 * Output conventions of commands that measure: progress and tables go to stderr, and with
 * `--json` the last line of stdout is exactly one JSON object.
 */
export function printResult(result: unknown, opts: { json?: boolean }, human?: () => string): void {
  if (opts.json) {
    if (human) process.stderr.write(`${human()}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${human ? human() : JSON.stringify(result, null, 2)}\n`);
  }
}

/** One progress line on stderr (a terminal gets a bar from cli-progress where a command wants one). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
