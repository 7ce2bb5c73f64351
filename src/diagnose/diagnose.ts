import { describeReadError, type ReadError, type ReadResult } from '../procfs/errors.js';
import type { Model } from '../sample/model.js';
import type { Sample } from '../sample/types.js';
import { DEFAULT_CONTENTION_THRESHOLD, pressureView } from './pressure.js';
import { diagnoseThread, groupWaits } from './threads.js';
import { walkTree } from './tree.js';
import { DIAGNOSIS_SCHEMA_VERSION, type Diagnosis, type MissingFact, type ProcessFacts, type ThreadDiagnosis } from './types.js';

export interface DiagnoseOptions {
  readonly mode: 'live' | 'replay';
  readonly procRoot: string;
  /** PSI `some avg10` above this percentage counts as contended. */
  readonly threshold?: number;
}

/** Raised when the target process is not there at all: the CLI prints it as one line. */
export class ProcessGoneError extends Error {
  override readonly name = 'ProcessGoneError';
  constructor(
    readonly pid: number,
    readonly duringMeasurement: boolean,
    readonly readError: ReadError,
  ) {
    super(duringMeasurement ? `process ${pid} exited during the measurement` : `no process with pid ${pid}`);
  }
}

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

const ROOT_ONLY = 'root-only, or the process belongs to another user';

/** Say what could not be read, why, and what that weakens; one entry per kind of gap. */
function missingFacts(sample: Sample, threads: readonly ThreadDiagnosis[], systemUnavailable: string | null, cgroupUnavailable: string | null): MissingFact[] {
  const out: MissingFact[] = [];
  const proc = sample.process;
  const threadSnaps = valueOf(proc.threads) ?? [];
  const deniedCount = (pick: (t: (typeof threadSnaps)[number]) => ReadResult<unknown>) => threadSnaps.filter((t) => !pick(t).ok && (pick(t) as { error: ReadError }).error.kind === 'denied').length;
  const stackDenied = deniedCount((t) => t.stack);
  if (stackDenied > 0) out.push({ what: `kernel stacks of ${stackDenied} thread(s)`, why: `permission denied: /proc/PID/task/TID/stack is ${ROOT_ONLY}`, weakens: 'D-state waits (disk I/O vs kernel lock vs reclaim) and ambiguous wait sites are decided from wchan and the syscall alone' });
  const syscallDenied = deniedCount((t) => t.syscall);
  if (syscallDenied > 0) out.push({ what: `syscalls of ${syscallDenied} thread(s)`, why: 'permission denied: another user\'s process (needs ptrace access)', weakens: 'their wait kind: wchan also reads 0 for them, so they show as `unknown`' });
  const unknown = threads.filter((t) => t.wait.kind === 'unknown').length;
  if (unknown > 0 && syscallDenied === 0) out.push({ what: `the wait site of ${unknown} thread(s)`, why: 'wchan, stack and syscall did not say', weakens: 'the grouping of waits' });
  for (const [label, result, weakens] of [
    ['I/O counters', proc.io, 'read/write bytes/s and syscalls/s'],
    ['open files', proc.fds, 'the fd breakdown and what epoll/pipes wait on'],
  ] as const) {
    if (!result.ok) out.push({ what: label, why: describeReadError(result.error), weakens });
  }
  if (systemUnavailable) out.push({ what: 'system pressure (PSI)', why: systemUnavailable, weakens: 'whether the machine is contended: the tree judges from the process alone' });
  if (sample.cgroupPressure === null && sample.cgroupPath !== '/') {
    out.push({ what: "pressure of the process's cgroup", why: sample.cgroupPath === null ? 'no cgroup v2 membership (cgroup v1 only)' : 'no cgroup v2 hierarchy is mounted or captured', weakens: 'contention limited to its container or service' });
  } else if (cgroupUnavailable) {
    out.push({ what: "pressure of the process's cgroup", why: cgroupUnavailable, weakens: 'contention limited to its container or service' });
  }
  return out;
}

/** Model → Diagnosis: classify every thread, group the waits, walk the tree. Pure. */
export function diagnose(model: Model, options: DiagnoseOptions): Diagnosis {
  const threshold = options.threshold ?? DEFAULT_CONTENTION_THRESHOLD;
  const sample = model.current;
  const proc = sample.process;
  if (!proc.stat.ok && proc.stat.error.kind === 'vanished') {
    throw new ProcessGoneError(proc.pid, model.previous !== null, proc.stat.error);
  }
  const threads = (valueOf(proc.threads) ?? []).map((t) => diagnoseThread(t, model, model.host));
  const groups = groupWaits(threads);
  const facts = processFacts(model, threads.length);
  const system = pressureView('system', null, sample.systemPressure, threshold, model.rates?.systemStallPercent ?? null);
  const cgroup = sample.cgroupPressure ? pressureView('cgroup', sample.cgroupPath, sample.cgroupPressure, threshold, null) : null;
  const tree = walkTree({ process: facts, threads, groups, system, cgroup, haveRates: model.rates !== null, threshold, cpuCount: model.host.cpuCount });
  const missing = missingFacts(sample, threads, system.unavailable, cgroup?.unavailable ?? null);
  const complete = !missing.some((m) => m.why.includes('permission denied'));
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
    next: tree.next,
    pressure: { system, cgroup },
    threads,
    waitGroups: groups,
    missing,
  };
}
