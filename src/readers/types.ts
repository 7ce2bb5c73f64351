import type { ReadResult } from '../procfs/errors.js';
import type { CgroupEntry } from '../parsers/cgroup.js';
import type { FdInfo } from '../parsers/fdinfo.js';
import type { FdTarget } from '../parsers/fd.js';
import type { ProcIo } from '../parsers/io.js';
import type { Limits } from '../parsers/limits.js';
import type { Pressure } from '../parsers/pressure.js';
import type { SchedStat } from '../parsers/schedstat.js';
import type { StackFrame } from '../parsers/stack.js';
import type { ProcStat } from '../parsers/stat.js';
import type { ProcStatus } from '../parsers/status.js';
import type { SyscallState } from '../parsers/syscall.js';
import type { WchanInfo } from '../parsers/wchan.js';
import type { Arch } from '../kernel/arch.js';
import type { KernelVersion } from '../kernel/version.js';

/** One thread at one instant: every file may have failed, and says why. */
export interface ThreadSnapshot {
  readonly tid: number;
  readonly stat: ReadResult<ProcStat>;
  readonly status: ReadResult<ProcStatus>;
  readonly wchan: ReadResult<WchanInfo>;
  readonly stack: ReadResult<StackFrame[]>;
  readonly syscall: ReadResult<SyscallState>;
  readonly io: ReadResult<ProcIo>;
  readonly schedstat: ReadResult<SchedStat>;
  readonly children: ReadResult<number[]>;
}

export interface FdSnapshot {
  readonly fd: number;
  readonly target: FdTarget;
  /** Read only for anon inodes (epoll, eventfd, timerfd, inotify, signalfd): they say what a wait is on. */
  readonly info: ReadResult<FdInfo> | null;
}

export interface ProcessSnapshot {
  readonly pid: number;
  /** Where `/proc/PID/exe` points (never followed): what runs it (java, python3, node, …). Absent in older captures. */
  readonly exe?: ReadResult<string>;
  readonly stat: ReadResult<ProcStat>;
  readonly status: ReadResult<ProcStatus>;
  readonly io: ReadResult<ProcIo>;
  readonly limits: ReadResult<Limits>;
  readonly cgroup: ReadResult<CgroupEntry[]>;
  readonly fds: ReadResult<FdSnapshot[]>;
  readonly threads: ReadResult<ThreadSnapshot[]>;
  /** `task/` entries listed; more than `threads` holds when over the read cap (readers/process.ts MAX_THREADS_READ). */
  readonly threadsListed?: number;
}

export const PSI_RESOURCES = ['cpu', 'memory', 'io', 'irq'] as const;
export type PsiResource = (typeof PSI_RESOURCES)[number];

export type PressureSet = Readonly<Record<PsiResource, ReadResult<Pressure>>>;

/** Facts about the machine that do not change between samples. */
export interface HostFacts {
  readonly kernelRelease: string;
  /** The release's version (`6.18.44`), parsed once; null when the release does not parse. */
  readonly kernelVersion?: KernelVersion | null;
  readonly arch: Arch;
  /** USER_HZ: the unit of utime/stime/starttime. */
  readonly clockTicksPerSecond: number;
  readonly cpuCount: number;
}

/** The machine in words for a header line; null where a file did not say. */
export interface HostDescription {
  readonly cpuModel: string | null;
  readonly cpuCount: number | null;
  readonly memoryBytes: number | null;
  readonly distro: string | null;
  readonly kernelRelease: string | null;
}

/** How the machine groups processes into cgroups, as far as per-cgroup PSI goes. */
export interface CgroupLayout {
  /** The cgroup v2 root this ProcFs reads (null: none). */
  readonly v2Root: string | null;
  /** Child cgroups of the v2 root (0 when there is no v2 root or it cannot be listed). */
  readonly v2Children: number;
  /** cgroup v1 controllers mounted (from `self/mountinfo`): they have no PSI files. */
  readonly v1Controllers: readonly string[];
}

/** Why there is no per-cgroup PSI. */
export type CgroupPressureGap = 'no-cgroup' | 'cgroup-v1-only' | 'cgroup-v2-empty';
