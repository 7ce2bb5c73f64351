import type { ReadResult } from '../procfs/errors.js';
import { PSI_RESOURCES, type HostFacts, type PressureSet, type PsiResource, type ThreadSnapshot } from '../readers/types.js';
import type { Observations } from './observe.js';
import type { MachineUse } from './culprits.js';
import type { Sample } from './types.js';
import { cgroupRatesOf, type CgroupRates } from './cgroup-rates.js';

export interface StallShare {
  readonly some: number | null;
  readonly full: number | null;
}

/** Rates over the interval between two samples of the same process. */
export interface ThreadRates {
  readonly tid: number;
  /** Percent of one CPU (utime + stime). */
  readonly cpuPercent: number | null;
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  /** Milliseconds per second spent runnable but waiting for a CPU (schedstat). */
  readonly runqueueDelayMsPerSec: number | null;
  readonly majorFaultsPerSec: number | null;
}

export interface ProcessRates {
  readonly intervalMs: number;
  readonly cpuPercent: number | null;
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  readonly readBytesPerSec: number | null;
  readonly writeBytesPerSec: number | null;
  /** syscr + syscw per second: read-like and write-like syscalls only (the kernel counts no others). */
  readonly syscallsPerSec: number | null;
  readonly majorFaultsPerSec: number | null;
  readonly runqueueDelayMsPerSec: number | null;
  /** Stall share over this interval from PSI `total` (µs stalled per µs elapsed, in %): fresher than avg10. */
  readonly systemStallPercent: Readonly<Record<PsiResource, StallShare>>;
  /** The same for the process's own cgroup (v2), when both samples read its pressure files. */
  readonly cgroupStallPercent: Readonly<Record<PsiResource, StallShare>> | null;
  readonly threads: ReadonlyMap<number, ThreadRates>;
  /** Namespace TCP counters per second (`/proc/PID/net/snmp` Tcp, `netstat` TcpExt); absent without follow reads. */
  readonly network?: NetworkRates;
  /** Growth of the cgroup's `memory.events` counters over the interval; absent without them. */
  readonly memoryEvents?: Readonly<Record<string, number>>;
  /** The cgroup's throttling, failcnt/events growth, faults and refaults, io bytes (src/sample/cgroup-rates.ts); absent without follow reads. */
  readonly cgroup?: CgroupRates;
}

export interface NetworkRates {
  readonly retransSegsPerSec: number | null;
  readonly outSegsPerSec: number | null;
  readonly listenOverflowsPerSec: number | null;
  readonly listenDropsPerSec: number | null;
}

export interface Model {
  readonly previous: Sample | null;
  readonly current: Sample;
  readonly host: HostFacts;
  /** null with a single sample (a one-shot view shows states, not rates). */
  readonly rates: ProcessRates | null;
  /** The pid now names a different process than in the previous sample (starttime changed). */
  readonly pidReused: boolean;
  /** The looks at its threads between the two samples (both ends included); null when none were taken. */
  readonly observations: Observations | null;
  /** Every process's use of the machine over the interval (live triage): culprits are named from it. */
  readonly machine?: MachineUse | null;
}

function valueOf<T>(r: ReadResult<T>): T | null {
  return r.ok ? r.value : null;
}

function perSecond(prev: number | null | undefined, curr: number | null | undefined, seconds: number): number | null {
  if (prev === null || prev === undefined || curr === null || curr === undefined || seconds <= 0) return null;
  // Counters never go backwards for one task; a drop means a different task and no rate.
  return curr >= prev ? (curr - prev) / seconds : null;
}

function sumThreads(threads: readonly ThreadSnapshot[], pick: (t: ThreadSnapshot) => number | null): Map<number, number> {
  const map = new Map<number, number>();
  for (const t of threads) {
    const v = pick(t);
    if (v !== null) map.set(t.tid, v);
  }
  return map;
}

function threadRates(prev: ThreadSnapshot, curr: ThreadSnapshot, seconds: number, ticks: number): ThreadRates {
  const ps = valueOf(prev.stat);
  const cs = valueOf(curr.stat);
  const cpuTicks = perSecond(ps ? ps.utime + ps.stime : null, cs ? cs.utime + cs.stime : null, seconds);
  const pst = valueOf(prev.status);
  const cst = valueOf(curr.status);
  const psch = valueOf(prev.schedstat);
  const csch = valueOf(curr.schedstat);
  const wait = perSecond(psch?.waitNs, csch?.waitNs, seconds);
  return {
    tid: curr.tid,
    cpuPercent: cpuTicks === null ? null : (cpuTicks / ticks) * 100,
    voluntarySwitchesPerSec: perSecond(pst?.voluntaryCtxtSwitches, cst?.voluntaryCtxtSwitches, seconds),
    involuntarySwitchesPerSec: perSecond(pst?.nonvoluntaryCtxtSwitches, cst?.nonvoluntaryCtxtSwitches, seconds),
    runqueueDelayMsPerSec: wait === null ? null : wait / 1e6,
    majorFaultsPerSec: perSecond(ps?.majflt, cs?.majflt, seconds),
  };
}

function sameProcess(a: Sample, b: Sample): boolean {
  const sa = valueOf(a.process.stat);
  const sb = valueOf(b.process.stat);
  return sa === null || sb === null || sa.starttime === sb.starttime;
}

function sumOf(values: Iterable<number | null>): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
}

/** Sample → Model: pure arithmetic on two samples a monotonic interval apart. */
export function buildModel(previous: Sample | null, current: Sample, host: HostFacts, observations: Observations | null = null): Model {
  if (previous === null) return { previous, current, host, rates: null, pidReused: false, observations: null };
  if (!sameProcess(previous, current)) return { previous: null, current, host, rates: null, pidReused: true, observations: null };

  const intervalMs = current.tMonoMs - previous.tMonoMs;
  const seconds = intervalMs / 1000;
  const prevThreads = valueOf(previous.process.threads) ?? [];
  const currThreads = valueOf(current.process.threads) ?? [];
  const prevByTid = new Map(prevThreads.map((t) => [t.tid, t]));
  const threads = new Map<number, ThreadRates>();
  for (const t of currThreads) {
    const p = prevByTid.get(t.tid);
    if (p) threads.set(t.tid, threadRates(p, t, seconds, host.clockTicksPerSecond));
  }

  const ps = valueOf(previous.process.stat);
  const cs = valueOf(current.process.stat);
  // The process's stat sums its live threads and those that exited: the right source for process CPU.
  const cpuTicks = perSecond(ps ? ps.utime + ps.stime : null, cs ? cs.utime + cs.stime : null, seconds);
  const pio = valueOf(previous.process.io);
  const cio = valueOf(current.process.io);
  const pst = valueOf(previous.process.status);
  const cst = valueOf(current.process.status);
  const prevWait = sumThreads(prevThreads, (t) => valueOf(t.schedstat)?.waitNs ?? null);
  const currWait = sumThreads(currThreads, (t) => valueOf(t.schedstat)?.waitNs ?? null);
  const waitDeltas = [...currWait].map(([tid, v]) => {
    const before = prevWait.get(tid);
    return before === undefined || v < before ? null : v - before;
  });
  const waitNs = sumOf(waitDeltas);

  return {
    previous,
    current,
    host,
    pidReused: false,
    observations,
    rates: {
      intervalMs,
      cpuPercent: cpuTicks === null ? null : (cpuTicks / host.clockTicksPerSecond) * 100,
      voluntarySwitchesPerSec: sumOf([...threads.values()].map((t) => t.voluntarySwitchesPerSec)) ?? perSecond(pst?.voluntaryCtxtSwitches, cst?.voluntaryCtxtSwitches, seconds),
      involuntarySwitchesPerSec: sumOf([...threads.values()].map((t) => t.involuntarySwitchesPerSec)) ?? perSecond(pst?.nonvoluntaryCtxtSwitches, cst?.nonvoluntaryCtxtSwitches, seconds),
      readBytesPerSec: perSecond(pio?.readBytes, cio?.readBytes, seconds),
      writeBytesPerSec: perSecond(pio?.writeBytes, cio?.writeBytes, seconds),
      syscallsPerSec: perSecond(pio ? pio.syscr + pio.syscw : null, cio ? cio.syscr + cio.syscw : null, seconds),
      majorFaultsPerSec: perSecond(ps?.majflt, cs?.majflt, seconds),
      runqueueDelayMsPerSec: waitNs === null || seconds <= 0 ? null : waitNs / 1e6 / seconds,
      systemStallPercent: stallShares(previous.systemPressure, current.systemPressure, seconds),
      cgroupStallPercent: previous.cgroupPressure && current.cgroupPressure && previous.cgroupPath === current.cgroupPath ? stallShares(previous.cgroupPressure, current.cgroupPressure, seconds) : null,
      threads,
      ...followRates(previous, current, seconds),
      ...cgroupRatesOf(previous, current, seconds),
    },
  };
}

function counter(sample: Sample, file: 'snmp' | 'netstat', section: string, name: string): number | null {
  const r = sample.follow?.netCounters[file];
  return r?.ok ? (r.value[section]?.[name] ?? null) : null;
}

function followRates(prev: Sample, curr: Sample, seconds: number): { network?: NetworkRates; memoryEvents?: Record<string, number> } {
  const out: { network?: NetworkRates; memoryEvents?: Record<string, number> } = {};
  if (prev.follow && curr.follow) {
    const rate = (file: 'snmp' | 'netstat', section: string, name: string) => perSecond(counter(prev, file, section, name), counter(curr, file, section, name), seconds);
    out.network = {
      retransSegsPerSec: rate('snmp', 'Tcp', 'RetransSegs'),
      outSegsPerSec: rate('snmp', 'Tcp', 'OutSegs'),
      listenOverflowsPerSec: rate('netstat', 'TcpExt', 'ListenOverflows'),
      listenDropsPerSec: rate('netstat', 'TcpExt', 'ListenDrops'),
    };
    const pe = prev.follow.cgroupMemory?.events;
    const ce = curr.follow.cgroupMemory?.events;
    if (pe?.ok && ce?.ok) {
      out.memoryEvents = Object.fromEntries(Object.entries(ce.value).map(([k, v]) => [k, Math.max(0, v - (pe.value[k] ?? v))]));
    }
  }
  return out;
}

function stallShares(prev: PressureSet, curr: PressureSet, seconds: number): Record<PsiResource, StallShare> {
  const share = (a: number | undefined, b: number | undefined): number | null => {
    const usPerSec = perSecond(a, b, seconds);
    return usPerSec === null ? null : Math.min(100, usPerSec / 1e4);
  };
  const entries = PSI_RESOURCES.map((r): [PsiResource, StallShare] => {
    const p = valueOf(prev[r]);
    const c = valueOf(curr[r]);
    return [r, { some: share(p?.some?.total, c?.some?.total), full: share(p?.full?.total, c?.full?.total) }];
  });
  return Object.fromEntries(entries) as Record<PsiResource, StallShare>;
}
