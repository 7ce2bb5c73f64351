import { parseStat } from '../parsers/stat.js';
import { parseIo } from '../parsers/io.js';
import { numericNames } from '../procfs/names.js';
import type { ProcFs } from '../procfs/procfs.js';
import { parseResult } from '../readers/parsed.js';
import type { MachineSample } from './machine/types.js';

/** What every process had used at one instant: the counters culprits are told by. */
export interface ProcessCounters {
  readonly comm: string;
  readonly starttime: number;
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
  readonly majorFaults: number;
  readonly rssPages: number;
  /** read_bytes + write_bytes from `io` (storage I/O); null when denied (another user's process, not root). */
  readonly ioBytes: number | null;
}

export interface CountersSnapshot {
  readonly tMonoMs: number;
  readonly byPid: ReadonlyMap<number, ProcessCounters>;
}

/** The counters of every process: `stat` (CPU, faults, RSS) and `io` (bytes to and from storage). */
export function readAllCounters(fs: ProcFs, tMonoMs: number, exclude: ReadonlySet<number>): CountersSnapshot {
  const byPid = new Map<number, ProcessCounters>();
  const listing = fs.listDir('');
  for (const pid of listing.ok ? numericNames(listing.value) : []) {
    if (exclude.has(pid)) continue;
    const stat = parseResult(fs.readText(`${pid}/stat`), `${pid}/stat`, parseStat);
    if (!stat.ok) continue;
    const io = parseResult(fs.readText(`${pid}/io`), `${pid}/io`, parseIo);
    byPid.set(pid, {
      comm: stat.value.comm,
      starttime: stat.value.starttime,
      cpuTicks: stat.value.utime + stat.value.stime,
      majorFaults: stat.value.majflt,
      rssPages: stat.value.rssPages,
      ioBytes: io.ok ? io.value.readBytes + io.value.writeBytes : null,
    });
  }
  return { tMonoMs, byPid };
}

/** One process's use of the machine over the interval. */
export interface ProcessUse {
  readonly pid: number;
  readonly comm: string;
  readonly cpuMs: number;
  readonly majorFaults: number;
  readonly rssGrowthKb: number;
  readonly ioBytes: number | null;
  /** Threads seen in D state on disk I/O, summed over the machine-wide looks. */
  readonly diskLooks: number;
  /** Threads seen in memory reclaim, summed over the looks. */
  readonly reclaimLooks: number;
}

/** Every process's use of the machine over an interval: what culprits are named from. */
export interface MachineUse {
  readonly intervalMs: number;
  /** Machine-wide looks taken (each sees every thread's state and wait). */
  readonly looks: number;
  readonly processes: readonly ProcessUse[];
}

/**
 * Tallies machine-wide looks (the machine sampler's samples) per process: threads in D on disk
 * and in reclaim. Kept as counts, not samples, so a long interval costs no memory.
 */
export class MachineLooks {
  private looks = 0;
  private readonly disk = new Map<number, number>();
  private readonly reclaim = new Map<number, number>();

  add(sample: MachineSample): void {
    this.looks++;
    for (const t of sample.threads) {
      if (t.wait.kind === 'disk-io') this.disk.set(t.pid, (this.disk.get(t.pid) ?? 0) + 1);
      else if (t.wait.kind === 'reclaim') this.reclaim.set(t.pid, (this.reclaim.get(t.pid) ?? 0) + 1);
    }
  }

  get count(): number {
    return this.looks;
  }

  diskOf(pid: number): number {
    return this.disk.get(pid) ?? 0;
  }

  reclaimOf(pid: number): number {
    return this.reclaim.get(pid) ?? 0;
  }
}

/** Differences between two counter snapshots, joined with the looks; a pid whose start time changed is a new process and counts from zero. */
export function machineUse(before: CountersSnapshot, after: CountersSnapshot, looks: MachineLooks | null, clockTicksPerSecond: number, pageKb: number): MachineUse {
  const processes: ProcessUse[] = [];
  for (const [pid, b] of after.byPid) {
    const a = before.byPid.get(pid);
    const same = a !== undefined && a.starttime === b.starttime;
    const cpuTicks = same ? b.cpuTicks - a.cpuTicks : 0;
    processes.push({
      pid,
      comm: b.comm,
      cpuMs: Math.max(0, (cpuTicks / clockTicksPerSecond) * 1000),
      majorFaults: same ? Math.max(0, b.majorFaults - a.majorFaults) : 0,
      rssGrowthKb: same ? (b.rssPages - a.rssPages) * pageKb : 0,
      ioBytes: same && a.ioBytes !== null && b.ioBytes !== null ? Math.max(0, b.ioBytes - a.ioBytes) : null,
      diskLooks: looks?.diskOf(pid) ?? 0,
      reclaimLooks: looks?.reclaimOf(pid) ?? 0,
    });
  }
  return { intervalMs: after.tMonoMs - before.tMonoMs, looks: looks?.count ?? 0, processes };
}
