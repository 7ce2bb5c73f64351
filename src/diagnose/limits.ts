import type { CgroupView } from './cgroup-types.js';
import type { MemoryView } from './follow/types.js';

/**
 * Its cgroup's CPU and memory limits and how hard they bit over the interval, in one shape for
 * cgroup v1 and v2: what the tree needs to say "throttled by its quota" or "thrashes against
 * its limit".
 */
export interface LimitFacts {
  readonly cpu: {
    readonly path: string;
    /** quota / period, in CPUs; null: no quota. */
    readonly quotaCores: number | null;
    /** Share of the scheduler periods of the interval in which it was throttled (0–1); null with one sample. */
    readonly throttledShare: number | null;
    readonly throttledMsPerSec: number | null;
    readonly source: string;
    /** Where its counters are, for a person to read (`/sys/fs/cgroup/cpu/…/cpu.stat`). */
    readonly statFile: string;
  } | null;
  readonly memory: {
    readonly path: string;
    /** Bytes; null: no limit. */
    readonly limitBytes: number | null;
    readonly usageBytes: number | null;
    /** How often the limit was hit in the interval (v1 failcnt, v2 memory.events max); null when unknown. */
    readonly limitHits: number | null;
    readonly oomKills: number | null;
    /** The cgroup's major faults and refaults per second (memory.stat). */
    readonly majorFaultsPerSec: number | null;
    readonly refaultsPerSec: number | null;
    readonly source: string;
    /** Where its memory.stat is, for a person to read. */
    readonly statFile: string;
  } | null;
}

/**
 * Where a controller's files usually are: v2 under /sys/fs/cgroup, v1 under
 * /sys/fs/cgroup/<controller> (a path to read, quoted in next commands; the mount point itself
 * is the machine's, and may differ).
 */
function usualDir(version: 'v1' | 'v2', controller: 'cpu' | 'memory', path: string): string {
  const rel = path === '/' ? '' : path;
  return version === 'v2' ? `/sys/fs/cgroup${rel}` : `/sys/fs/cgroup/${controller}${rel}`;
}

/** The tree's view of the cgroup facts (cgroup.ts), v1 or v2 alike. */
export function limitsFromCgroupView(view: CgroupView | null | undefined): LimitFacts | null {
  if (!view) return null;
  const { cpu, memory } = view;
  const cpuPath = cpu.limitPath ?? cpu.path;
  const memPath = memory.limitPath ?? memory.path;
  return {
    cpu:
      cpu.version && cpuPath && cpu.unavailable === null
        ? {
            path: cpuPath,
            quotaCores: cpu.quotaCores,
            throttledShare: cpu.throttledPeriodsPercent === null ? null : cpu.throttledPeriodsPercent / 100,
            throttledMsPerSec: cpu.throttledMsPerSec,
            source: `cgroup ${cpu.version} ${cpuPath} cpu.stat (nr_periods, nr_throttled, throttled time)`,
            statFile: `${usualDir(cpu.version, 'cpu', cpuPath)}/cpu.stat`,
          }
        : null,
    memory:
      memory.version && memPath && memory.unavailable === null
        ? {
            path: memPath,
            limitBytes: memory.limitBytes,
            usageBytes: memory.usageBytes,
            limitHits: memory.failcntInInterval ?? (memory.eventsInInterval ? (memory.eventsInInterval.max ?? 0) : null),
            oomKills: memory.eventsInInterval ? (memory.eventsInInterval.oom_kill ?? 0) : null,
            majorFaultsPerSec: memory.majorFaultsPerSec,
            refaultsPerSec: memory.refaultsPerSec,
            source: `cgroup ${memory.version} ${memPath} ${memory.version === 'v1' ? 'memory.{limit_in_bytes,usage_in_bytes,failcnt,stat}' : 'memory.{max,current,events,stat}'}`,
            statFile: `${usualDir(memory.version, 'memory', memPath)}/memory.stat`,
          }
        : null,
  };
}

/** cgroup v2's memory files as the follow step already reads them (memory.current, max, events). */
export function limitsFromMemoryView(memory: MemoryView | undefined): LimitFacts | null {
  const cg = memory?.cgroup;
  if (!cg || cg.unavailable !== null) return null;
  const events = cg.eventsInInterval;
  return {
    cpu: null,
    memory: {
      path: cg.path,
      limitBytes: cg.maxBytes,
      usageBytes: cg.currentBytes,
      limitHits: events ? (events.max ?? 0) : null,
      oomKills: events ? (events.oom_kill ?? 0) : null,
      majorFaultsPerSec: null,
      refaultsPerSec: null,
      source: `cgroup ${cg.path} memory.{max,current,events}`,
      statFile: `${usualDir('v2', 'memory', cg.path)}/memory.stat`,
    },
  };
}
