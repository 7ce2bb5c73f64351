import type { ReadResult } from '../procfs/errors.js';
import type { Model } from '../sample/model.js';
import { DEFAULT_CONTENTION_THRESHOLD, pressureView } from './pressure.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import { diagnoseThread, groupWaits } from './threads.js';
import { walkTree } from './tree.js';
import { ACCESS_REASONS, missingFacts } from './gaps.js';
import { limitsFromCgroupView, limitsFromMemoryView } from './limits.js';
import { detectRuntime } from './runtime.js';
import { processShares, threadShares } from './shares.js';
import { futexGroups } from './follow/futex.js';
import { memoryView } from './follow/memory.js';
import { cgroupView } from './cgroup.js';
import { networkView } from './follow/network.js';
import { fdContext } from './follow/peers.js';
import { followThread } from './follow/threads.js';
import { insightsOf } from './insights/insights.js';
import { DIAGNOSIS_SCHEMA_VERSION, type Diagnosis, type ProcessFacts, type ProcessShares, type WaitGroup } from './types.js';

export interface DiagnoseOptions {
  readonly mode: 'live' | 'replay';
  readonly procRoot: string;
  /** PSI `some avg10` above this percentage counts as contended. */
  readonly threshold?: number;
}

export { ProcessGoneError };

function valueOf<T>(r: ReadResult<T>): T | null {
  return r.ok ? r.value : null;
}

function processFacts(model: Model, threadCount: number): ProcessFacts {
  const sample = model.current;
  const proc = sample.process;
  const stat = valueOf(proc.stat);
  const status = valueOf(proc.status);
  const rates = model.rates;
  const uptime = valueOf(sample.uptimeSeconds);
  const fds = valueOf(proc.fds);
  const fdTypes: Record<string, number> = {};
  for (const fd of fds ?? []) {
    const key = fd.target.type === 'anon_inode' ? `anon_inode:${fd.target.anonKind ?? ''}` : fd.target.type;
    fdTypes[key] = (fdTypes[key] ?? 0) + 1;
  }
  const limits = valueOf(proc.limits);
  return {
    pid: proc.pid,
    comm: stat?.comm ?? status?.name ?? '?',
    state: stat?.state ?? '?',
    ppid: stat?.ppid ?? status?.ppid ?? null,
    uid: status?.uids[0] ?? null,
    starttimeTicks: stat?.starttime ?? null,
    ageSeconds: stat && uptime !== null ? Math.max(0, uptime - stat.starttime / model.host.clockTicksPerSecond) : null,
    threadCount,
    cpuPercent: rates?.cpuPercent ?? null,
    rssKb: status?.vmRssKb ?? null,
    swapKb: status?.vmSwapKb ?? null,
    readBytesPerSec: rates?.readBytesPerSec ?? null,
    writeBytesPerSec: rates?.writeBytesPerSec ?? null,
    syscallsPerSec: rates?.syscallsPerSec ?? null,
    majorFaultsPerSec: rates?.majorFaultsPerSec ?? null,
    voluntarySwitchesPerSec: rates?.voluntarySwitchesPerSec ?? null,
    involuntarySwitchesPerSec: rates?.involuntarySwitchesPerSec ?? null,
    runqueueDelayMsPerSec: rates?.runqueueDelayMsPerSec ?? null,
    fdCount: fds ? fds.length : null,
    fdSoftLimit: limits?.['Max open files']?.soft ?? null,
    fdTypes,
  };
}

/** A wait group's average threads over the interval: its (kind, function) in the process's shares. */
function averageOf(shares: ProcessShares, group: WaitGroup): number {
  if (group.kind === 'running') return shares.running ?? 0;
  return shares.waits.find((w) => w.kind === group.kind && w.function === group.function)?.avgThreads ?? 0;
}

/** Model → Diagnosis: classify every thread, group the waits, walk the tree. Pure. */
export function diagnose(model: Model, options: DiagnoseOptions): Diagnosis {
  const threshold = options.threshold ?? DEFAULT_CONTENTION_THRESHOLD;
  const sample = model.current;
  const proc = sample.process;
  if (!proc.stat.ok && proc.stat.error.kind === 'vanished') {
    throw new ProcessGoneError(proc.pid, model.previous !== null, proc.stat.error);
  }
  const fdList = valueOf(proc.fds) ?? [];
  const snaps = valueOf(proc.threads) ?? [];
  const ctx = fdContext(proc.pid, fdList, sample.follow, valueOf(proc.stat)?.ppid ?? null);
  const base = snaps.map((t) => diagnoseThread(t, model, model.host, ctx.fds));
  const futex = futexGroups(base);
  const shares = threadShares(model, base);
  const threads = base.map((t, i) => ({ ...t, follow: followThread(snaps[i]!, t, sample, ctx, futex, model.host.arch), shares: shares.get(t.tid) ?? null }));
  const overInterval = processShares(model, shares);
  const network = networkView(sample, model.rates?.network ?? null);
  const memory = memoryView(model);
  const groups = groupWaits(threads).map((g) => ({ ...g, avgThreads: overInterval ? averageOf(overInterval, g) : null }));
  const facts = { ...processFacts(model, threads.length), shares: overInterval };
  const system = pressureView('system', null, sample.systemPressure, threshold, model.rates?.systemStallPercent ?? null);
  const cgroup = sample.cgroupPressure ? pressureView('cgroup', sample.cgroupPath, sample.cgroupPressure, threshold, model.rates?.cgroupStallPercent ?? null) : null;
  const limitsView = cgroupView(model);
  // Before the tree: the herd, accept-queue, memory and durability insights are data a verdict can use.
  const insights = insightsOf({ model, process: facts, threads, snapshots: new Map(snaps.map((t) => [t.tid, t])), futexGroups: futex, network, ctx });
  const runtime = detectRuntime({ exe: proc.exe?.ok ? proc.exe.value : null, comm: facts.comm, threadNames: threads.map((t) => t.comm) });
  const tree = walkTree({
    process: facts,
    threads,
    groups,
    system,
    cgroup,
    haveRates: model.rates !== null,
    threshold,
    cpuCount: model.host.cpuCount,
    futexGroups: futex,
    network,
    memory,
    limits: limitsFromCgroupView(limitsView) ?? limitsFromMemoryView(memory),
    machine: model.machine ?? null,
    runtime,
    childStates: sample.follow?.childStates ?? null,
    insights,
  });
  const missing = missingFacts(sample, threads, system.unavailable, cgroup?.unavailable ?? null);
  const complete = !missing.some((m) => ACCESS_REASONS.has(m.reason));
  // Hidden waits: the next thing to run is whatever would show them (sudo, a capability, …).
  const next = tree.verdict.kind === 'hidden' ? [...new Set(missing.flatMap((m) => (m.fix && ACCESS_REASONS.has(m.reason) ? [m.fix] : [])))].map((fix) => ({ command: fix, why: 'what would let proctriage see the waits' })).concat(tree.next) : tree.next;
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    source: {
      mode: options.mode,
      procRoot: options.procRoot,
      kernelRelease: model.host.kernelRelease,
      arch: model.host.arch,
      sampledAt: new Date(sample.tWallMs).toISOString(),
      intervalMs: model.rates?.intervalMs ?? null,
      complete,
    },
    process: facts,
    verdict: tree.verdict,
    path: tree.path,
    next,
    pressure: { system, cgroup },
    threads,
    waitGroups: groups,
    missing,
    futexGroups: futex,
    network,
    memory,
    runtime,
    cgroup: limitsView,
    insights,
  };
}
