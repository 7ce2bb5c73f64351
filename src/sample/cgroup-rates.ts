import type { ReadResult } from '../procfs/errors.js';
import type { CgroupCpuStat } from '../parsers/cgroup-cpu.js';
import { cgroupMemoryStatFacts } from '../parsers/cgroup-memory.js';
import type { CgroupSnapshot } from '../readers/cgroup.js';
import type { Sample } from './types.js';

/** The cgroup's CPU over the interval: what it used and how often its quota stopped it. */
export interface CgroupCpuRates {
  /** CPU the cgroup's tasks used, in cores (CPU-seconds per second). */
  readonly usageCores: number | null;
  /** Of the cgroup whose quota is the tightest (the process's own, or an ancestor's): */
  readonly periods: number | null;
  readonly throttledPeriods: number | null;
  /** throttled periods / periods, in %; null when no period elapsed. */
  readonly throttledPeriodsPercent: number | null;
  /** Throttled time per second of the interval, ms (summed over CPUs: may pass 1000 on several). */
  readonly throttledMsPerSec: number | null;
}

export interface CgroupMemoryRates {
  /** v1 `memory.failcnt` growth: times usage hit the limit in the interval. */
  readonly failcnt: number | null;
  /** v2 `memory.events` growth per counter (`high`, `max`, `oom`, `oom_kill`, …). */
  readonly events: Readonly<Record<string, number>> | null;
  /** From the cgroup's `memory.stat`: major faults and workingset refaults per second. */
  readonly majorFaultsPerSec: number | null;
  readonly refaultsPerSec: number | null;
}

export interface CgroupIoRates {
  /** Summed over devices (v2 `io.stat`, v1 `blkio.throttle.io_service_bytes`). */
  readonly readBytesPerSec: number | null;
  readonly writeBytesPerSec: number | null;
}

/** Rates of the process's cgroup between two samples; a controller is null when it was not read in both, or the process moved cgroups. */
export interface CgroupRates {
  readonly cpu: CgroupCpuRates | null;
  readonly memory: CgroupMemoryRates | null;
  readonly io: CgroupIoRates | null;
}

const valueOf = <T>(r: ReadResult<T> | null | undefined): T | null => (r?.ok ? r.value : null);

/** Growth of a counter; null when either end is missing or it went backwards (a new cgroup of the same name). */
function delta(prev: number | null | undefined, curr: number | null | undefined): number | null {
  if (prev === null || prev === undefined || curr === null || curr === undefined || curr < prev) return null;
  return curr - prev;
}

function perSecond(d: number | null, seconds: number): number | null {
  return d === null || seconds <= 0 ? null : d / seconds;
}

function cpuRates(prev: CgroupSnapshot['cpu'], curr: CgroupSnapshot['cpu'], seconds: number): CgroupCpuRates | null {
  if (!prev || !curr || prev.path !== curr.path || prev.version !== curr.version) return null;
  // µs used: v1 cpuacct.usage (ns), else cpu.stat usage_usec (v2).
  const usage = (s: NonNullable<CgroupSnapshot['cpu']>): number | null => {
    if (s.usageNs === null) return valueOf(s.stat)?.usageUs ?? null;
    const ns = valueOf(s.usageNs);
    return ns === null ? null : ns / 1e3;
  };
  // Throttling is the limiting cgroup's: the same one in both samples, else none.
  const limiting = (s: NonNullable<CgroupSnapshot['cpu']>): { path: string; stat: CgroupCpuStat | null } => (s.limitingStat ? { path: s.limitingStat.path, stat: valueOf(s.limitingStat.stat) } : { path: s.path, stat: valueOf(s.stat) });
  const lp = limiting(prev);
  const lc = limiting(curr);
  const same = lp.path === lc.path;
  const periods = same ? delta(lp.stat?.nrPeriods, lc.stat?.nrPeriods) : null;
  const throttledPeriods = same ? delta(lp.stat?.nrThrottled, lc.stat?.nrThrottled) : null;
  const throttledUs = same ? delta(lp.stat?.throttledUs, lc.stat?.throttledUs) : null;
  const usageUsPerSec = perSecond(delta(usage(prev), usage(curr)), seconds);
  return {
    usageCores: usageUsPerSec === null ? null : usageUsPerSec / 1e6,
    periods,
    throttledPeriods,
    throttledPeriodsPercent: periods !== null && throttledPeriods !== null && periods > 0 ? Math.min(100, (throttledPeriods / periods) * 100) : null,
    throttledMsPerSec: throttledUs === null ? null : (perSecond(throttledUs, seconds) ?? 0) / 1e3,
  };
}

function memoryRates(prev: CgroupSnapshot['memory'], curr: CgroupSnapshot['memory'], seconds: number): CgroupMemoryRates | null {
  if (!prev || !curr || prev.path !== curr.path || prev.version !== curr.version) return null;
  const ps = valueOf(prev.stat);
  const cs = valueOf(curr.stat);
  const pf = ps ? cgroupMemoryStatFacts(ps) : null;
  const cf = cs ? cgroupMemoryStatFacts(cs) : null;
  const pe = valueOf(prev.events);
  const ce = valueOf(curr.events);
  return {
    failcnt: delta(valueOf(prev.failcnt), valueOf(curr.failcnt)),
    events: pe && ce ? Object.fromEntries(Object.entries(ce).map(([k, v]) => [k, Math.max(0, v - (pe[k] ?? v))])) : null,
    majorFaultsPerSec: perSecond(delta(pf?.majorFaults, cf?.majorFaults), seconds),
    refaultsPerSec: perSecond(delta(pf?.refaults, cf?.refaults), seconds),
  };
}

function ioRates(prev: CgroupSnapshot['io'], curr: CgroupSnapshot['io'], seconds: number): CgroupIoRates | null {
  if (!prev || !curr || prev.path !== curr.path || prev.version !== curr.version) return null;
  const total = (s: NonNullable<CgroupSnapshot['io']>, key: 'readBytes' | 'writeBytes') => {
    const bytes = valueOf(s.bytes);
    return bytes === null ? null : bytes.reduce((n, d) => n + d[key], 0);
  };
  return {
    readBytesPerSec: perSecond(delta(total(prev, 'readBytes'), total(curr, 'readBytes')), seconds),
    writeBytesPerSec: perSecond(delta(total(prev, 'writeBytes'), total(curr, 'writeBytes')), seconds),
  };
}

/** The cgroup's rates over the interval; absent (`{}`) when either sample did not read the cgroup. */
export function cgroupRatesOf(previous: Sample, current: Sample, seconds: number): { cgroup?: CgroupRates } {
  const p = previous.follow?.cgroup;
  const c = current.follow?.cgroup;
  if (!p || !c) return {};
  return { cgroup: { cpu: cpuRates(p.cpu, c.cpu, seconds), memory: memoryRates(p.memory, c.memory, seconds), io: ioRates(p.io, c.io, seconds) } };
}
