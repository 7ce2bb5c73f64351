import type { FdType } from '../parsers/fd.js';
import type { PsiResource } from '../readers/types.js';
import type { FutexGroup, MemoryView, NetworkView, ThreadFollow } from './follow/types.js';
import type { CgroupView } from './cgroup-types.js';
import type { WaitClassification, WaitKind } from '../kernel/wait-kinds.js';

/** JSON schema version of Diagnosis (README "JSON output"). Bump on any breaking change. */
export const DIAGNOSIS_SCHEMA_VERSION = 1;

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
}

/** Threads of the process waiting on the same thing: "31 × waitpid in do_wait". */
export interface WaitGroup {
  readonly kind: WaitKind;
  readonly function: string | null;
  readonly count: number;
  readonly tids: readonly number[];
  /** "31 threads in waitpid (do_wait)". */
  readonly label: string;
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
  readonly contended: boolean;
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

export interface Evidence {
  /** What was measured, e.g. `PSI cpu some avg10`. */
  readonly label: string;
  /** e.g. `34.20 %`. */
  readonly value: string;
  /** Where it came from, e.g. `/proc/pressure/cpu`. */
  readonly source: string;
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

export interface MissingFact {
  /** e.g. `kernel stacks of 12 threads`. */
  readonly what: string;
  /** e.g. `permission denied: /proc/PID/task/TID/stack is root-only`. */
  readonly why: string;
  /** Which conclusions this weakens. */
  readonly weakens: string;
}

export type VerdictKind =
  | 'system-contended'
  | 'on-cpu'
  | 'runqueue-wait'
  | 'off-cpu-blocked'
  | 'off-cpu-idle'
  | 'off-cpu-waiting'
  | 'stopped'
  | 'zombie'
  | 'exited'
  | 'unknown';

export interface Verdict {
  readonly kind: VerdictKind;
  /** Resource the tree settled on, when one. */
  readonly resource: 'cpu' | 'memory' | 'io' | 'network' | null;
  /** One sentence for a person. */
  readonly summary: string;
  readonly severity: 'ok' | 'warning' | 'problem';
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
  /** The process's cgroup limits (CPU quota, memory limit, io throttles; v1 or v2) and their effect over the interval; null when not read. */
  readonly cgroup?: CgroupView | null;
}
