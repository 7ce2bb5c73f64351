import type { WaitKind } from '../kernel/wait-kinds.js';
import type { PsiResource } from '../readers/types.js';
import type { CgroupPressureGap } from '../readers/cgroup-layout.js';
import type { Verdict } from '../diagnose/types.js';

/**
 * What `serve` exposes, as numbers (base units: seconds, ratios of one): made after each sample,
 * served as is by every scrape until the next. The metric names, HELP text and label names are
 * the exposition's (src/metrics/exposition.ts).
 */

/** Average active threads of one (wait kind, kernel function, process group) over the window. */
export interface WaitSeries {
  readonly kind: WaitKind;
  /** Kernel function, `` for running threads; `other` where series were folded. */
  readonly function: string;
  /** Process comm (kernel threads: the name before `/`), or `other` beyond the top groups. */
  readonly group: string;
  readonly threads: number;
}

/** Threads in D state at one wait site, at the newest sample. */
export interface UninterruptibleSeries {
  readonly kind: WaitKind;
  /** Catalog row (`disk-io-read-page`, …), `` when none matched. */
  readonly site: string;
  readonly function: string;
  readonly threads: number;
  /** How long the longest of them has been there without running, seconds. */
  readonly longestSeconds: number;
}

/** The longest lock queue (threads of one process on one futex word, with a lock op) in a group, averaged over the window. */
export interface LockQueueSeries {
  readonly group: string;
  readonly threads: number;
}

export interface PsiSeries {
  readonly resource: PsiResource;
  readonly line: 'some' | 'full';
  /** avg10 as a ratio (0.25 = 25 %). */
  readonly avg10: number;
  /** `total` stall time since boot, seconds. */
  readonly totalSeconds: number;
}

export interface CgroupPsi {
  readonly cgroup: string;
  readonly series: readonly PsiSeries[];
}

/** The listening sockets on one port (and address, when asked). */
export interface ListenSeries {
  readonly family: 'tcp' | 'tcp6';
  /** The port, or `other` beyond the largest queues. */
  readonly port: string;
  /** The local address; only with `--expose-addresses`, else null. */
  readonly address: string | null;
  readonly sockets: number;
  /** The longest accept queue among them (connections waiting for accept()). */
  readonly queue: number;
}

export interface NetSnapshot {
  readonly listenOverflows: number | null;
  readonly listenDrops: number | null;
  /** net.core.somaxconn: the largest backlog listen() gives a socket. */
  readonly somaxconn: number | null;
  readonly listening: readonly ListenSeries[];
}

/** A selected process's verdict and the numbers behind it. */
export interface TargetVerdict {
  readonly pid: number;
  readonly comm: string;
  readonly kind: Verdict['kind'];
  readonly resource: Verdict['resource'];
  readonly severity: Verdict['severity'];
  /** CPU used, in cores (1 = one core), over the last interval; null before two samples. */
  readonly cpu: number | null;
  /** Runqueue delay, seconds per second, over the last interval. */
  readonly runqueueDelay: number | null;
  readonly threads: number;
  readonly threadsByKind: ReadonlyArray<readonly [WaitKind, number]>;
  /** The biggest lock queue (futex group judged a lock queue), threads; 0 when none. */
  readonly lockQueue: number;
}

/** A source the exporter could not use, and why (bounded reasons). */
export interface Unavailable {
  readonly source: 'pressure' | 'cgroup-pressure' | 'listen-counters' | 'listen-sockets' | 'somaxconn';
  readonly reason: CgroupPressureGap | 'no-psi' | 'psi-disabled' | 'denied' | 'unreadable';
}

export interface OwnCost {
  readonly samples: number;
  readonly vanished: number;
  /** CPU spent sampling and summing up, seconds (the feed's ticks). */
  readonly samplingCpuSeconds: number;
  readonly hz: number;
  readonly budget: number;
  readonly windowSeconds: number;
  readonly windowSamples: number;
  readonly threads: number;
  readonly processes: number;
  readonly targets: number;
  readonly targetsDropped: number;
}

export interface ExportSnapshot {
  readonly waits: readonly WaitSeries[];
  readonly uninterruptible: readonly UninterruptibleSeries[];
  readonly lockQueues: readonly LockQueueSeries[];
  readonly pressure: readonly PsiSeries[];
  readonly cgroupPressure: readonly CgroupPsi[];
  readonly net: NetSnapshot;
  readonly verdicts: readonly TargetVerdict[];
  readonly unavailable: readonly Unavailable[];
  readonly cost: OwnCost;
}
