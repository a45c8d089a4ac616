import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr when it is a terminal, else a line per tenth of the way (so CI
 * logs and pipes stay readable).
 * @example const bar = progressBar('events', total); bar.update(done); bar.stop()
 */
export function progressBar(label: string, total: number): { update(done: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label.padEnd(8)} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (d) => bar.update(d), stop: () => bar.stop() };
  }
  let shown = -1;
  return {
    update(done) {
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth > shown) {
        shown = tenth;
        process.stderr.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}
