import { readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the CPU priority of the whole calling process to at least `nice` (0–19), so that a
 * process doing background work (training) yields the cores to the ones serving requests.
 *
 * On Linux a priority belongs to a thread, and `os.setPriority()` changes the calling thread
 * only; the threads a process already has (V8's garbage-collector and compiler helpers, among
 * them) would keep running at the old priority. Every thread listed in /proc/self/task is
 * lowered; threads started later inherit the priority of the thread that starts them.
 * Returns how many threads were lowered; throws when not permitted.
 * @example lowerProcessPriority(10)
 */
export function lowerProcessPriority(nice: number): number {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process priority is the process's
    tids = [0];
  }
  let lowered = 0;
  for (const tid of tids) {
    try {
      if (os.getPriority(tid) < nice) {
        os.setPriority(tid, nice);
        lowered++;
      }
    } catch (err) {
      // a thread that ended since the listing
      if ((err as { code?: string }).code !== 'ESRCH') throw err;
    }
  }
  return lowered;
}
