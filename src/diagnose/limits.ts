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
  } | null;
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
    },
  };
}
