import { describeReadError, type ReadError, type ReadResult } from '../procfs/errors.js';
import type { AccessFacts } from '../readers/access.js';
import type { ThreadSnapshot } from '../readers/types.js';
import { MAX_THREADS_READ } from '../readers/process.js';
import type { Sample } from '../sample/types.js';
import type { GapReason, MissingFact, ThreadDiagnosis } from './types.js';

/** How many damaged files a missing-fact entry names before it says "and N more". */
const DAMAGED_SHOWN = 3;

const valueOf = <T>(r: ReadResult<T>): T | null => (r.ok ? r.value : null);

/** Reasons that mean the view is partial because of who reads, not because of the kernel or the capture. */
export const ACCESS_REASONS: ReadonlySet<GapReason> = new Set(['not-root', 'root-only', 'ptrace-scope', 'no-cap-sys-ptrace', 'denied']);

interface Denial {
  readonly reason: GapReason;
  readonly why: string;
  readonly fix: string | null;
}

/**
 * Why a ptrace-guarded file (`stack`, `syscall`, `io`, `fd/`, a sleeper's `wchan`) was denied:
 * as another user, that; as root, what stops root — Yama, a missing capability, another user
 * namespace — or, when none of those, something /proc does not show.
 */
function denial(access: AccessFacts | undefined, targetUid: number | null, pid: number, rootOnly: boolean): Denial {
  const euid = access?.euid ?? null;
  if (euid !== null && euid !== 0) {
    if (rootOnly && targetUid === euid) return { reason: 'root-only', why: `only root may read it, even for one's own process (uid ${euid})`, fix: `sudo proctriage triage ${pid}` };
    return { reason: 'not-root', why: `another user's process (uid ${targetUid ?? '?'}), read as uid ${euid}`, fix: `sudo proctriage triage ${pid}, or run it as uid ${targetUid ?? 'its owner'}` };
  }
  if (euid === 0) {
    if (access?.ptraceScope === 3) return { reason: 'ptrace-scope', why: 'kernel.yama.ptrace_scope is 3: no process may attach to another, root included', fix: 'scope 3 cannot be lowered without a reboot; boot with a lower kernel.yama.ptrace_scope' };
    if (access?.capSysPtrace === false) return { reason: 'no-cap-sys-ptrace', why: 'running as root without CAP_SYS_PTRACE (a container that dropped it)', fix: 'add CAP_SYS_PTRACE: docker run --cap-add SYS_PTRACE, or securityContext.capabilities.add: [SYS_PTRACE] in Kubernetes' };
    if (access?.sameUserNamespace === false) return { reason: 'no-cap-sys-ptrace', why: 'the process lives in another user namespace, where this root has no capabilities', fix: "run proctriage in the process's user namespace or its parent (on the host)" };
    if (access?.ptraceScope === 2 && access.capSysPtrace !== true) return { reason: 'ptrace-scope', why: 'kernel.yama.ptrace_scope is 2: only CAP_SYS_PTRACE may attach', fix: 'run with CAP_SYS_PTRACE, or sysctl kernel.yama.ptrace_scope=1' };
    return { reason: 'denied', why: 'denied to root for a reason /proc does not show: a security module (SELinux, AppArmor) or a non-dumpable process outside this namespace', fix: 'check the audit log (dmesg, /var/log/audit) for a denial naming proctriage' };
  }
  return { reason: 'not-root', why: 'permission denied (needs root or the same user)', fix: `sudo proctriage triage ${pid}` };
}

function isDenied(r: ReadResult<unknown>): boolean {
  return !r.ok && (r as { error: ReadError }).error.kind === 'denied';
}

/**
 * Files that were there but held text the parsers refused (truncated, binary, too big), or that
 * a capture lacks or links out of: one entry per kind, naming the first few.
 */
function damagedFiles(proc: Sample['process'], threadSnaps: readonly ThreadSnapshot[]): MissingFact[] {
  const results: ReadResult<unknown>[] = [proc.stat, proc.status, proc.limits, proc.cgroup];
  for (const t of threadSnaps) results.push(t.stat, t.status, t.wchan, t.stack, t.syscall, t.io, t.schedstat, t.children);
  if (proc.fds.ok) for (const fd of proc.fds.value) if (fd.info) results.push(fd.info);
  const out: MissingFact[] = [];
  for (const [kind, what] of [
    ['malformed', 'file(s) with text that could not be parsed'],
    ['io', 'file(s) that could not be read'],
  ] as const) {
    const errors = results.flatMap((r) => (!r.ok && r.error.kind === kind ? [r.error] : []));
    if (errors.length === 0) continue;
    const shown = errors.slice(0, DAMAGED_SHOWN).map(describeReadError).join('; ');
    const more = errors.length > DAMAGED_SHOWN ? `; and ${errors.length - DAMAGED_SHOWN} more` : '';
    out.push({ what: `${errors.length} ${what}`, why: `${shown}${more}`, weakens: 'the threads and figures those files describe: their wait is judged from the files that remain', reason: 'damaged', fix: null });
  }
  return out;
}

/** Say what could not be read, why (typed), what would show it, and what that weakens; one entry per kind of gap. */
export function missingFacts(sample: Sample, threads: readonly ThreadDiagnosis[], systemUnavailable: string | null, cgroupUnavailable: string | null): MissingFact[] {
  const out: MissingFact[] = [];
  const proc = sample.process;
  const pid = proc.pid;
  const threadSnaps = valueOf(proc.threads) ?? [];
  const targetUid = valueOf(proc.status)?.uids[0] ?? null;
  const denied = (pick: (t: ThreadSnapshot) => ReadResult<unknown>) => threadSnaps.filter((t) => isDenied(pick(t))).length;
  const stackDenied = denied((t) => t.stack);
  if (stackDenied > 0) {
    const d = denial(sample.access, targetUid, pid, true);
    out.push({ what: `kernel stacks of ${stackDenied} thread(s)`, why: `permission denied: ${d.why}`, weakens: 'D-state waits (disk I/O vs kernel lock vs reclaim) and ambiguous wait sites are decided from wchan and the syscall alone', reason: d.reason, fix: d.fix });
  }
  const syscallDenied = denied((t) => t.syscall);
  const wchanHidden = threads.filter((t) => t.wait.gaps.some((g) => g.file === 'wchan' && g.reason === 'reads-zero')).length;
  if (wchanHidden > 0) {
    const d = syscallDenied > 0 ? denial(sample.access, targetUid, pid, false) : null;
    out.push({
      what: `wait channels (wchan) of ${wchanHidden} thread(s)`,
      why: d ? `read 0 although the threads sleep: the kernel hides the wait channel from this reader (${d.why})` : 'read 0 although the threads sleep: the kernel gave no symbol',
      weakens: 'which kernel function they wait in; they are never reported as running',
      reason: 'hidden-by-kernel',
      fix: d?.fix ?? null,
    });
  }
  if (syscallDenied > 0) {
    const d = denial(sample.access, targetUid, pid, false);
    out.push({ what: `syscalls of ${syscallDenied} thread(s)`, why: `permission denied: ${d.why}`, weakens: 'their wait kind: without wchan either, they show as `unknown`', reason: d.reason, fix: d.fix });
  }
  const unknown = threads.filter((t) => t.wait.kind === 'unknown').length;
  if (unknown > 0 && syscallDenied === 0) out.push({ what: `the wait site of ${unknown} thread(s)`, why: 'wchan, stack and syscall did not say', weakens: 'the grouping of waits', reason: 'hidden-by-kernel', fix: null });
  const listed = proc.threadsListed ?? 0;
  if (listed > threadSnaps.length && listed > MAX_THREADS_READ) {
    out.push({ what: `${listed - MAX_THREADS_READ} of its ${listed} threads`, why: `proctriage reads at most ${MAX_THREADS_READ} threads of one process (the lowest thread ids, the main thread first)`, weakens: 'the counts and shares of waits: they describe the threads read', reason: 'damaged', fix: null });
  }
  out.push(...damagedFiles(proc, threadSnaps));
  for (const [label, result, weakens] of [
    ['I/O counters', proc.io, 'read/write bytes/s and syscalls/s'],
    ['open files', proc.fds, 'the fd breakdown and what epoll/pipes wait on'],
  ] as const) {
    if (result.ok) continue;
    if (result.error.kind === 'denied') {
      const d = denial(sample.access, targetUid, pid, false);
      out.push({ what: label, why: `${describeReadError(result.error)}: ${d.why}`, weakens, reason: d.reason, fix: d.fix });
    } else {
      out.push({ what: label, why: describeReadError(result.error), weakens, reason: result.error.kind === 'unsupported' ? 'not-in-kernel' : 'damaged', fix: null });
    }
  }
  const cpuPressure = sample.systemPressure.cpu;
  if (cpuPressure.ok && cpuPressure.value.some !== null && cpuPressure.value.full === null) {
    out.push({ what: 'cpu "full" pressure', why: "this kernel's /proc/pressure/cpu has no `full` line (added in Linux 5.13)", weakens: 'nothing the tree decides on: CPU contention is judged from `some`; only the time all tasks stalled on CPU at once is not shown', reason: 'not-in-kernel', fix: null });
  }
  if (systemUnavailable) out.push({ what: 'system pressure (PSI)', why: systemUnavailable, weakens: 'whether the machine is contended: the tree judges from the process alone', reason: 'not-in-kernel', fix: 'a kernel with CONFIG_PSI=y, booted without psi=0 (psi=1 where it defaults off)' });
  if (sample.cgroupPressure === null && sample.cgroupPath !== '/') {
    const why = !proc.cgroup.ok ? `its cgroup is unknown: ${describeReadError(proc.cgroup.error)}` : sample.cgroupPath === null ? 'no cgroup v2 membership (cgroup v1 only)' : 'no cgroup v2 hierarchy is mounted or captured';
    out.push({ what: "pressure of the process's cgroup", why, weakens: 'contention limited to its container or service', reason: proc.cgroup.ok ? 'not-in-kernel' : 'damaged', fix: null });
  } else if (cgroupUnavailable) {
    out.push({ what: "pressure of the process's cgroup", why: cgroupUnavailable, weakens: 'contention limited to its container or service', reason: 'not-in-kernel', fix: null });
  }
  return out;
}
