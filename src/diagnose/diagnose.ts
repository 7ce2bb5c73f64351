import { describeReadError, type ReadError, type ReadResult } from '../procfs/errors.js';
import type { Model } from '../sample/model.js';
import type { Sample } from '../sample/types.js';
import type { ThreadSnapshot } from '../readers/types.js';
import { DEFAULT_CONTENTION_THRESHOLD, pressureView } from './pressure.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import { diagnoseThread, groupWaits } from './threads.js';
import { walkTree } from './tree.js';
import { futexGroups } from './follow/futex.js';
import { memoryView } from './follow/memory.js';
import { cgroupView } from './cgroup.js';
import { networkView } from './follow/network.js';
import { fdContext } from './follow/peers.js';
import { followThread } from './follow/threads.js';
import { DIAGNOSIS_SCHEMA_VERSION, type Diagnosis, type MissingFact, type ProcessFacts, type ThreadDiagnosis } from './types.js';

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

const ROOT_ONLY = 'root-only, or the process belongs to another user';

/** How many damaged files a missing-fact entry names before it says "and N more". */
const DAMAGED_SHOWN = 3;

/**
 * Files that were there but held text the parsers refused (truncated, binary, too big), or that
 * a capture lacks or links out of: one entry per kind, naming the first few. Denied and
 * unsupported files have entries of their own, and so do the process's io and fd/.
 */
function damagedFiles(proc: Sample['process'], threadSnaps: readonly ThreadSnapshot[]): MissingFact[] {
  const results: ReadResult<unknown>[] = [proc.stat, proc.status, proc.limits, proc.cgroup];
  for (const t of threadSnaps) results.push(t.stat, t.status, t.wchan, t.stack, t.syscall, t.io, t.schedstat, t.children);
  if (proc.fds.ok) for (const fd of proc.fds.value) if (fd.info) results.push(fd.info);
  const out: MissingFact[] = [];
  for (const [kind, what, weakens] of [
    ['malformed', 'file(s) with text that could not be parsed', 'the threads and figures those files describe: their wait is judged from the files that remain'],
    ['io', 'file(s) that could not be read', 'the threads and figures those files describe: their wait is judged from the files that remain'],
  ] as const) {
    const errors = results.flatMap((r) => (!r.ok && r.error.kind === kind ? [r.error] : []));
    if (errors.length === 0) continue;
    const shown = errors.slice(0, DAMAGED_SHOWN).map(describeReadError).join('; ');
    const more = errors.length > DAMAGED_SHOWN ? `; and ${errors.length - DAMAGED_SHOWN} more` : '';
    out.push({ what: `${errors.length} ${what}`, why: `${shown}${more}`, weakens });
  }
  return out;
}

/** Say what could not be read, why, and what that weakens; one entry per kind of gap. */
function missingFacts(sample: Sample, threads: readonly ThreadDiagnosis[], systemUnavailable: string | null, cgroupUnavailable: string | null): MissingFact[] {
  const out: MissingFact[] = [];
  const proc = sample.process;
  const threadSnaps = valueOf(proc.threads) ?? [];
  const deniedCount = (pick: (t: (typeof threadSnaps)[number]) => ReadResult<unknown>) => threadSnaps.filter((t) => !pick(t).ok && (pick(t) as { error: ReadError }).error.kind === 'denied').length;
  const stackDenied = deniedCount((t) => t.stack);
  if (stackDenied > 0) out.push({ what: `kernel stacks of ${stackDenied} thread(s)`, why: `permission denied: /proc/PID/task/TID/stack is ${ROOT_ONLY}`, weakens: 'D-state waits (disk I/O vs kernel lock vs reclaim) and ambiguous wait sites are decided from wchan and the syscall alone' });
  const syscallDenied = deniedCount((t) => t.syscall);
  const wchanHidden = threads.filter((t) => t.wait.missing.some((m) => m.startsWith('wchan: reads 0'))).length;
  if (wchanHidden > 0 && syscallDenied > 0) {
    out.push({ what: `wait channels (wchan) of ${wchanHidden} thread(s)`, why: 'reads 0 although the thread sleeps: the kernel hides it from a reader without ptrace access (another user\'s process)', weakens: 'which kernel function they wait in; they are never reported as running' });
  }
  if (syscallDenied > 0) out.push({ what: `syscalls of ${syscallDenied} thread(s)`, why: 'permission denied: another user\'s process (needs ptrace access)', weakens: 'their wait kind: wchan also reads 0 for them, so they show as `unknown`' });
  const unknown = threads.filter((t) => t.wait.kind === 'unknown').length;
  if (unknown > 0 && syscallDenied === 0) out.push({ what: `the wait site of ${unknown} thread(s)`, why: 'wchan, stack and syscall did not say', weakens: 'the grouping of waits' });
  out.push(...damagedFiles(proc, threadSnaps));
  for (const [label, result, weakens] of [
    ['I/O counters', proc.io, 'read/write bytes/s and syscalls/s'],
    ['open files', proc.fds, 'the fd breakdown and what epoll/pipes wait on'],
  ] as const) {
    if (!result.ok) out.push({ what: label, why: describeReadError(result.error), weakens });
  }
  const cpuPressure = sample.systemPressure.cpu;
  if (cpuPressure.ok && cpuPressure.value.some !== null && cpuPressure.value.full === null) {
    out.push({ what: 'cpu "full" pressure', why: 'this kernel\'s /proc/pressure/cpu has no `full` line (added in Linux 5.13)', weakens: 'nothing the tree decides on: CPU contention is judged from `some`; only the time all tasks stalled on CPU at once is not shown' });
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
  const fdList = valueOf(proc.fds) ?? [];
  const snaps = valueOf(proc.threads) ?? [];
  const ctx = fdContext(proc.pid, fdList, sample.follow, valueOf(proc.stat)?.ppid ?? null);
  const base = snaps.map((t) => diagnoseThread(t, model, model.host, ctx.fds));
  const futex = futexGroups(base);
  const threads = base.map((t, i) => ({ ...t, follow: followThread(snaps[i]!, t, sample, ctx, futex, model.host.arch) }));
  const network = networkView(sample, model.rates?.network ?? null);
  const memory = memoryView(model);
  const groups = groupWaits(threads);
  const facts = processFacts(model, threads.length);
  const system = pressureView('system', null, sample.systemPressure, threshold, model.rates?.systemStallPercent ?? null);
  const cgroup = sample.cgroupPressure ? pressureView('cgroup', sample.cgroupPath, sample.cgroupPressure, threshold, null) : null;
  const tree = walkTree({ process: facts, threads, groups, system, cgroup, haveRates: model.rates !== null, threshold, cpuCount: model.host.cpuCount, futexGroups: futex, network, memory });
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
    futexGroups: futex,
    network,
    memory,
    cgroup: cgroupView(model),
  };
}
