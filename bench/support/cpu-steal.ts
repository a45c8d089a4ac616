import { readFileSync } from 'node:fs';

/** The machine's CPU time counters (Linux /proc/stat, all CPUs together), in clock ticks. */
export interface CpuSample {
  total: number;
  steal: number;
}

export function cpuSample(): CpuSample {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guests are counted in user already
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, steal: fields[7] ?? 0 };
  } catch {
    return { total: 0, steal: 0 };
  }
}

/**
 * Share of the machine's CPU time the hypervisor gave to other guests between two samples, in
 * percent: on a shared virtual machine, a benchmark run while it is high measured a slower
 * machine than the one it ran on a quiet host.
 */
export function stealPct(from: CpuSample, to: CpuSample = cpuSample()): number {
  const total = to.total - from.total;
  return total > 0 ? Math.round(((to.steal - from.steal) / total) * 1000) / 10 : 0;
}
