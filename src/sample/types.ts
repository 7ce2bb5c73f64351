import type { ReadResult } from '../procfs/errors.js';
import type { AccessFacts } from '../readers/access.js';
import type { FollowSnapshot } from '../readers/follow.js';
import type { PressureSet, ProcessSnapshot } from '../readers/types.js';

/** One instant of one process and the machine's pressure around it. */
export interface Sample {
  /** Monotonic milliseconds (rates are computed from these, never from wall time). */
  readonly tMonoMs: number;
  readonly tWallMs: number;
  /** Seconds since boot, from /proc/uptime: the process's age is uptime − starttime. */
  readonly uptimeSeconds: ReadResult<number>;
  readonly process: ProcessSnapshot;
  readonly systemPressure: PressureSet;
  /** The process's cgroup v2 path, when found. */
  readonly cgroupPath: string | null;
  /** PSI of the process's own cgroup v2 (null when there is no cgroup v2 path). */
  readonly cgroupPressure: PressureSet | null;
  /** Who read it and what the kernel let them read (absent in captures made before it was recorded). */
  readonly access?: AccessFacts;
  /** What the waits are on: socket tables, net counters, cgroup memory, peers, children (absent when not read). */
  readonly follow?: FollowSnapshot;
}
