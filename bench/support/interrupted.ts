/**
 * Runs `cleanup` if SIGINT or SIGTERM arrives while a benchmark runs (its server processes
 * stopped, its temporary folder deleted), then exits 130 or 143 as the signal would have. Returns
 * the function that takes the handlers off again: call it in the benchmark's `finally`, before
 * the same cleanup runs there. Without it, an interrupted bench left its `serve` process
 * listening (re-parented to init) and its temporary data folder behind.
 * @example const release = cleanupOnInterrupt(stop); try { … } finally { release(); await stop(); }
 */
export function cleanupOnInterrupt(cleanup: () => Promise<void> | void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the benchmark's processes and deleting its files …\n`);
    void Promise.resolve()
      .then(cleanup)
      .catch((err: unknown) => process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
