import type { FdType } from '../parsers/fd.js';
import type { PsiResource } from '../readers/types.js';
import type { FutexGroup, MemoryView, NetworkView, ThreadFollow } from './follow/types.js';
import type { CgroupView } from './cgroup-types.js';
import type { WaitClassification, WaitKind } from '../kernel/wait-kinds.js';
import type { Insights } from './insights/types.js';

/** JSON schema version of Diagnosis (README "JSON output"). Bump on any breaking change. */
export const DIAGNOSIS_SCHEMA_VERSION = 2;

export interface ThreadDiagnosis {
  readonly tid: number;
  readonly comm: string;
  /** State letter (R S D T t Z I …), `?` when stat could not be read. */
  readonly state: string;
  readonly cpuPercent: number | null;
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  readonly runqueueDelayMsPerSec: number | null;
  /** Kernel stack, top first (empty when unreadable: see wait.missing). */
  readonly stack: readonly string[];
  readonly wait: WaitClassification;
  /** On what and on whom it waits: epoll targets, children, futex group, or the fd's peer (README "Following the wait"). */
  readonly follow?: ThreadFollow | null;
  /** Its shares of the interval; null with one sample. */
  readonly shares?: ThreadShares | null;
}

/**
 * What runs the process, from its `exe` link and its threads' names — never from its memory.
 * It decides which tool can see what /proc cannot: a runtime's own thread dump names the lock
 * a parked thread waits for.
 */
export type Runtime = 'java' | 'python' | 'node' | 'native' | 'unknown';

/** A thread's share of the interval in one wait (0–1). */
export interface WaitShare {
  readonly kind: WaitKind;
  readonly function: string | null;
  readonly share: number;
}

/**
 * What a thread did over the interval, as shares of it (0–1): on a CPU and waiting for one from
 * `schedstat`, the rest split over the waits its looks saw. Null where it cannot be measured
 * (one sample, or a thread born during the interval: then its waits are shares of the looks).
 */
export interface ThreadShares {
  readonly running: number | null;
  readonly runnable: number | null;
  readonly waits: readonly WaitShare[];
  /** Looks that saw this thread, the two full samples included. */
  readonly looks: number;
}

/** Average threads in one wait over the interval (psn's "average active threads"). */
export interface WaitAverage {
  readonly kind: WaitKind;
  readonly function: string | null;
  readonly avgThreads: number;
}

/** The process over the interval: the sum of its threads' shares, in average threads. */
export interface ProcessShares {
  readonly intervalMs: number;
  /** Looks at its threads, the two full samples included. */
  readonly looks: number;
  readonly looksPerSecond: number | null;
  /** Average threads on a CPU. */
  readonly running: number | null;
  /** Average threads runnable but waiting for a CPU. */
  readonly runnable: number | null;
  readonly waits: readonly WaitAverage[];
  /** CPU the looks between the samples cost, ms. */
  readonly lookCostMs: number;
}

/** Threads of the process waiting on the same thing: "31 × waitpid in do_wait". */
export interface WaitGroup {
  readonly kind: WaitKind;
  readonly function: string | null;
  readonly count: number;
  readonly tids: readonly number[];
  /** "31 threads in waitpid (do_wait)". */
  readonly label: string;
  /** Average threads in this wait over the interval (null with one sample). */
  readonly avgThreads?: number | null;
}

export interface PsiValue {
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  readonly total: number;
}

/** One resource's pressure as the diagnosis uses it; `unavailable` says why when it is not there. */
export interface PsiReading {
  readonly resource: PsiResource;
  readonly some: PsiValue | null;
  readonly full: PsiValue | null;
  /** Stall share over the measurement interval (from `total`), when two samples exist. */
  readonly someIntervalPercent: number | null;
  readonly fullIntervalPercent: number | null;
  /** Contended now: its stall share of this interval (from `total`) is over the threshold; avg10 only with one sample. */
  readonly contended: boolean;
  /** avg10 is over the threshold: contended in the last ten seconds or so, whether or not it still is. */
  readonly recently: boolean;
  readonly unavailable: string | null;
}

export interface PressureView {
  readonly scope: 'system' | 'cgroup';
  /** cgroup v2 path for scope `cgroup`. */
  readonly path: string | null;
  readonly readings: readonly PsiReading[];
  readonly threshold: number;
  /** Whole-scope PSI unavailable (no CONFIG_PSI, psi=0, cgroup v1 only): why. */
  readonly unavailable: string | null;
}

/** The unit of a measured number; words for it are made by the report. */
export type Unit = 'percent' | 'threads' | 'count' | 'per-second' | 'ms-per-second' | 'bytes' | 'bytes-per-second' | 'cores' | 'seconds' | 'ms';

export interface Measure {
  readonly value: number;
  readonly unit: Unit;
}

export interface Evidence {
  /** What was measured, e.g. `PSI cpu some avg10`. */
  readonly label: string;
  /** e.g. `34.20 %` (the measure, formatted). */
  readonly value: string;
  /** Where it came from, e.g. `/proc/pressure/cpu`. */
  readonly source: string;
  /** The number itself with its unit, when the evidence is one number; null for a count or a phrase. */
  readonly measure: Measure | null;
}

export type TreeStepId = 'pressure' | 'resource' | 'cpu' | 'waits' | 'intermittent';

/** One step of the decision tree: the question, the answer reached, and the evidence behind it. */
export interface TreeStep {
  readonly id: TreeStepId;
  readonly question: string;
  readonly answer: string;
  readonly evidence: readonly Evidence[];
}

export interface NextCommand {
  readonly command: string;
  readonly why: string;
}

/**
 * Why something could not be seen, typed so that no code reads the words back:
 * - `not-root`: another user's process, read without root;
 * - `root-only`: a file only root may read (kernel stacks), read as a user;
 * - `ptrace-scope`: Yama's kernel.yama.ptrace_scope forbids it, even to root;
 * - `no-cap-sys-ptrace`: root without CAP_SYS_PTRACE (a container), or another user namespace;
 * - `denied`: denied for a reason /proc does not show (an LSM, a non-dumpable process in another namespace);
 * - `hidden-by-kernel`: the kernel shows nothing although the file reads (wchan 0 for a sleeper);
 * - `not-in-kernel`: this kernel lacks the file or the feature (PSI, cpu `full`, cgroup v2);
 * - `damaged`: missing from a capture, unparsable, too big, or unreadable for another I/O error.
 */
export type GapReason = 'not-root' | 'root-only' | 'ptrace-scope' | 'no-cap-sys-ptrace' | 'denied' | 'hidden-by-kernel' | 'not-in-kernel' | 'damaged';

export interface MissingFact {
  /** e.g. `kernel stacks of 12 threads`. */
  readonly what: string;
  /** e.g. `permission denied: /proc/PID/task/TID/stack is root-only`. */
  readonly why: string;
  /** Which conclusions this weakens. */
  readonly weakens: string;
  readonly reason: GapReason;
  /** What would let it be seen (`run as root`, `sysctl kernel.yama.ptrace_scope=1`), when anything would. */
  readonly fix: string | null;
}

/**
 * The verdict's kind (schema 2). What holds the process back, from its own time over the interval:
 * - `on-cpu`: busy on a CPU (its own work; `cause` says whether it is also the machine's hog);
 * - `waiting-for-cpu`: runnable but not running (other processes, or more threads than CPUs);
 * - `cpu-throttled`: its cgroup's CPU quota stops it;
 * - `disk-io`: blocked on disk I/O (its own, or slowed by others' — see `cause`);
 * - `memory`: reclaim and major faults (its cgroup's limit, or the machine short of memory);
 * - `kernel-blocked`: another D-state wait (a kernel lock, a freeze, vfork, a file lock);
 * - `dropping-connections`: a listening socket's accept queue overflows;
 * - `not-accepting`: connections wait in a listening socket's accept queue that did not shrink over the interval, and no thread accepts;
 * - `lock-contention`: threads queued behind a lock another thread holds;
 * - `cannot-tell`: parked threads that /proc cannot tell from a lock convoy (a JVM, CPython);
 * - `waiting-on-children`, `waiting-on-peer`, `waiting`: off the CPU, waiting for someone else;
 * - `idle`: waiting for work by design;
 * - `stopped`, `zombie`, `exited`, `hidden` (its waits cannot be seen by this user).
 */
export type VerdictKind =
  | 'on-cpu'
  | 'waiting-for-cpu'
  | 'cpu-throttled'
  | 'disk-io'
  | 'memory'
  | 'kernel-blocked'
  | 'dropping-connections'
  | 'not-accepting'
  | 'lock-contention'
  | 'cannot-tell'
  | 'waiting-on-children'
  | 'waiting-on-peer'
  | 'waiting'
  | 'idle'
  | 'stopped'
  | 'zombie'
  | 'exited'
  | 'hidden';

/**
 * Whose doing it is: its own work, its own cgroup's limit, other processes competing for the
 * resource, the processes it waits for (children, a peer, a lock holder), or nobody (idle).
 */
export type VerdictCause = 'own-work' | 'own-cgroup-limit' | 'other-processes' | 'children' | 'peer' | 'lock-holder' | 'none' | 'unknown';

export type Resource = 'cpu' | 'memory' | 'io' | 'network';

/** A process that used the contended resource most during the interval. */
export interface Culprit {
  readonly pid: number;
  readonly comm: string;
  /** Its share of what every process used of the resource in the interval (0–100). */
  readonly sharePercent: number;
  readonly measure: Measure;
  /** The process being triaged. */
  readonly isTarget: boolean;
}

export interface CulpritList {
  readonly resource: Resource;
  /** What was compared, e.g. `CPU time`, `D-state time on disk`, `bytes written and read`, `major faults`. */
  readonly by: string;
  readonly top: readonly Culprit[];
  /** Where it came from: `utime+stime of every /proc/PID/stat over the interval`. */
  readonly source: string;
}

export interface Verdict {
  readonly kind: VerdictKind;
  /** Resource the tree settled on, when one. */
  readonly resource: Resource | null;
  readonly cause: VerdictCause;
  /** One to three sentences for a person. */
  readonly summary: string;
  readonly severity: 'ok' | 'warning' | 'problem';
  /** The measured numbers the verdict rests on. */
  readonly facts: readonly Evidence[];
  /** The top users of the resource in question, when it is contended (absent when not measured). */
  readonly culprits: readonly CulpritList[];
}

export interface ProcessFacts {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number | null;
  readonly uid: number | null;
  readonly starttimeTicks: number | null;
  readonly ageSeconds: number | null;
  readonly threadCount: number;
  readonly cpuPercent: number | null;
  readonly rssKb: number | null;
  readonly swapKb: number | null;
  readonly readBytesPerSec: number | null;
  readonly writeBytesPerSec: number | null;
  readonly syscallsPerSec: number | null;
  readonly majorFaultsPerSec: number | null;
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  readonly runqueueDelayMsPerSec: number | null;
  readonly fdCount: number | null;
  readonly fdSoftLimit: number | null;
  readonly fdTypes: Readonly<Partial<Record<FdType | string, number>>>;
  /** Its threads over the interval: running, runnable and each wait, in average threads; null with one sample. */
  readonly shares?: ProcessShares | null;
}

export interface SourceFacts {
  readonly mode: 'live' | 'replay';
  readonly procRoot: string;
  readonly kernelRelease: string;
  readonly arch: string;
  /** Wall-clock time of the (last) sample, ISO 8601. */
  readonly sampledAt: string;
  /** Interval between the two samples the rates come from; null with one sample. */
  readonly intervalMs: number | null;
  /** The view is complete only as root: otherwise some files were denied. */
  readonly complete: boolean;
}

export interface Diagnosis {
  readonly schemaVersion: typeof DIAGNOSIS_SCHEMA_VERSION;
  readonly source: SourceFacts;
  readonly process: ProcessFacts;
  readonly verdict: Verdict;
  readonly path: readonly TreeStep[];
  readonly next: readonly NextCommand[];
  readonly pressure: { readonly system: PressureView; readonly cgroup: PressureView | null };
  readonly threads: readonly ThreadDiagnosis[];
  readonly waitGroups: readonly WaitGroup[];
  readonly missing: readonly MissingFact[];
  /** Futex waiters grouped by futex word, biggest first, each judged a lock queue or a parked pool. */
  readonly futexGroups?: readonly FutexGroup[];
  /** The network branch: sockets by state, queues, TCP retransmit/overflow/drop rates. */
  readonly network?: NetworkView;
  /** The memory branch: RSS, swap, major faults, memory PSI, cgroup memory.max/high/events. */
  readonly memory?: MemoryView;
  /** What runs it, from its exe link and thread names: decides which tool can see what /proc cannot. */
  readonly runtime?: Runtime;
  /** The process's cgroup limits (CPU quota, memory limit, io throttles; v1 or v2) and their effect over the interval; null when not read. */
  readonly cgroup?: CgroupView | null;
  /** What the seed material says about its waits: herds, polling, thread models, fd tables, accept queues, rates, memory, durability (README "Insights"). */
  readonly insights?: Insights;
}
