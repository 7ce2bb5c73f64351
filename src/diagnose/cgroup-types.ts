import type { CgroupUnavailableReason } from '../readers/cgroup-place.js';

/**
 * The `cgroup` section of a Diagnosis (README "JSON output"): the limits of the process's
 * cgroup and what they did over the interval, for cgroup v1 and v2 alike. Facts only: the
 * verdict decides what they mean.
 */

/** Why a controller's facts are missing: where it is not (see CgroupUnavailableReason), or its limit file was refused. */
export type CgroupGap = CgroupUnavailableReason | 'denied';

interface CgroupControllerView {
  /** The hierarchy that serves the controller for this process; null when none does. */
  readonly version: 'v1' | 'v2' | null;
  /** The process's cgroup in that hierarchy, as /proc/PID/cgroup names it. */
  readonly path: string | null;
  /** Why the limits are not known, in words; null when they were read. */
  readonly unavailable: string | null;
  readonly unavailableReason: CgroupGap | null;
  /** Other files of the controller that could not be read, as `path: why`. */
  readonly unreadable: readonly string[];
}

export interface CgroupCpuView extends CgroupControllerView {
  /** The tightest CFS quota of the cgroup and its ancestors, in cores (quota / period); null = no quota. */
  readonly quotaCores: number | null;
  readonly quotaUs: number | null;
  readonly periodUs: number | null;
  /** The cgroup that sets that quota: the process's own or an ancestor. */
  readonly limitPath: string | null;
  /** v2 `cpu.weight` (1–10000, default 100); null on v1. */
  readonly weight: number | null;
  /** v1 `cpu.shares` (default 1024); null on v2. */
  readonly shares: number | null;
  /** CPU the cgroup used over the interval, in cores. */
  readonly usageCores: number | null;
  /** Of the limiting cgroup, over the interval: enforcement periods, those throttled, their share, throttled ms per second (summed over CPUs). */
  readonly periodsInInterval: number | null;
  readonly nrThrottledInInterval: number | null;
  readonly throttledPeriodsPercent: number | null;
  readonly throttledMsPerSec: number | null;
  /** The same counters since the limiting cgroup was created. */
  readonly nrPeriodsTotal: number | null;
  readonly nrThrottledTotal: number | null;
  readonly throttledSecondsTotal: number | null;
}

export interface CgroupMemoryView extends CgroupControllerView {
  /** The lowest hard limit of the cgroup and its ancestors (v1 `memory.limit_in_bytes`, v2 `memory.max`); null = none. */
  readonly limitBytes: number | null;
  readonly limitPath: string | null;
  /** v2 only: the lowest `memory.high` (reclaim and throttling above it); null = none. */
  readonly highBytes: number | null;
  readonly highPath: string | null;
  /** v1 `memory.usage_in_bytes`, v2 `memory.current` (page cache included). */
  readonly usageBytes: number | null;
  /** usage / the lowest limit, in %. */
  readonly usagePercentOfLimit: number | null;
  /** v1 `memory.max_usage_in_bytes`. */
  readonly maxUsageBytes: number | null;
  /** v2 `memory.swap.current`. */
  readonly swapBytes: number | null;
  /** From `memory.stat`: anonymous and page-cache bytes (v1 `rss`/`cache`, v2 `anon`/`file`). */
  readonly anonBytes: number | null;
  readonly fileBytes: number | null;
  /** v1 `memory.failcnt`: times usage hit the limit, since creation and in the interval. */
  readonly failcnt: number | null;
  readonly failcntInInterval: number | null;
  /** From the cgroup's `memory.stat` over the interval. */
  readonly majorFaultsPerSec: number | null;
  readonly refaultsPerSec: number | null;
  /** v2 `memory.events` since creation and their growth in the interval. */
  readonly events: Readonly<Record<string, number>> | null;
  readonly eventsInInterval: Readonly<Record<string, number>> | null;
}

/** One device's io limits; null = no limit of that kind. */
export interface CgroupIoThrottle {
  /** `MAJ:MIN`. */
  readonly device: string;
  /** From /proc/partitions (`vda`), null when unknown. */
  readonly name: string | null;
  readonly readBytesPerSecMax: number | null;
  readonly writeBytesPerSecMax: number | null;
  readonly readIopsMax: number | null;
  readonly writeIopsMax: number | null;
}

export interface CgroupIoView extends CgroupControllerView {
  /** v1 `blkio.throttle.*_device`, v2 `io.max`: only devices with a limit. */
  readonly throttles: readonly CgroupIoThrottle[];
  /** The cgroup's io over the interval, all devices. */
  readonly readBytesPerSec: number | null;
  readonly writeBytesPerSec: number | null;
}

export interface CgroupView {
  /**
   * Which hierarchies serve the process's cpu, memory and io: all v1, all v2, or some of each
   * (`hybrid`); null when none does. A v2 tree without controllers (systemd's "hybrid" layout,
   * as on a machine with v1 controllers) does not count: it holds no limits.
   */
  readonly version: 'v1' | 'v2' | 'hybrid' | null;
  readonly cpu: CgroupCpuView;
  readonly memory: CgroupMemoryView;
  readonly io: CgroupIoView;
}
