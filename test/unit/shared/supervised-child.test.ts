import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logging/logger.ts';
import { superviseChild } from '../../../shared/process/index.ts';
import { until } from '../../support/redis.ts';

/** A logger whose error lines the test reads (pino's own, writing to an array). */
function capturingLog() {
  const lines: Array<{ msg: string; code?: number; restart_in_ms?: number }> = [];
  const log = createLogger({ level: 'error', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  return { log, lines };
}

describe('superviseChild', () => {
  it('starts a child that keeps dying again, waiting twice as long each time up to the cap, until stopped', async () => {
    const { log, lines } = capturingLog();
    const child = superviseChild({ command: process.execPath, args: ['-e', 'process.exit(3)'], spawnOptions: { stdio: 'ignore' }, name: 'flaky', log, initialDelayMs: 10, maxDelayMs: 40 });
    await until('five restarts', 20_000, async () => lines.length >= 5);
    child.stop();
    await child.exited();
    const seen = lines.length;
    expect(lines.slice(0, 5).map((l) => l.restart_in_ms)).toEqual([10, 20, 40, 40, 40]);
    expect(lines.every((l) => l.code === 3 && l.msg.startsWith('the flaky process exited; starting another'))).toBe(true);
    // stopped: nothing more starts
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.length).toBe(seen);
    expect(child.current()).toBeUndefined();
  });

  it('stop() signals the running child and exited() waits for it; a stopped child is not restarted', async () => {
    const { log, lines } = capturingLog();
    const child = superviseChild({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], spawnOptions: { stdio: 'ignore' }, name: 'steady', log });
    await until('the child to run', 10_000, async () => child.current()?.pid !== undefined);
    const running = child.current()!;
    child.stop('SIGTERM');
    await child.exited();
    expect(running.signalCode).toBe('SIGTERM');
    expect(lines).toEqual([]);
  });
});
