import type { WaitClassification, WaitKind } from '../../kernel/wait-kinds.js';
import type { PressureSet } from '../../readers/types.js';
import type { ProcFs } from '../../procfs/procfs.js';

/**
 * The whole machine, one instant: every thread of every process and what it waits on.
 * Shared by `top`, `sample` and `watch`: keep these shapes stable (add optional fields only).
 */

/** What one thread waits on, reduced from `classifyThread` to what grouping and JSON need. */
export interface MachineWait {
  readonly kind: WaitKind;
  /** Kernel function where it sleeps (suffix stripped), e.g. `futex_do_wait`; null when unseen or running. */
  readonly function: string | null;
  /** Syscall name it is blocked in, when known (e.g. `futex`). */
  readonly syscall: string | null;
  /** Catalog row, e.g. `futex-wait`; null when none matched. */
  readonly site: string | null;
  readonly confidence: WaitClassification['confidence'];
}

export interface MachineThread {
  readonly pid: number;
  readonly tid: number;
  /** The thread's own comm (task/<tid>/stat). */
  readonly comm: string;
  /** The process's comm (the leader thread's comm, as /proc/<pid>/stat shows it). */
  readonly processComm: string;
  /** State letter: R S D T t Z X I P. */
  readonly state: string;
  readonly isKernelThread: boolean;
  readonly wait: MachineWait;
  /**
   * Incremental sampling only: the monotonic ms of the sample that last read this thread after
   * it ran; it has not run since, so it has been in this state and wait at least that long.
   */
  readonly stillSinceMs?: number;
  /** With `lockWords`: the futex word it is queued on when it waits with a lock op (a mutex). */
  readonly lockWord?: string;
}

/** PSI of one top-level cgroup v2 directory, e.g. `system.slice`. */
export interface CgroupPressure {
  readonly path: string;
  readonly pressure: PressureSet;
}

/** What a sample cost and what it skipped. */
export interface MachineSampleStats {
  readonly processes: number;
  readonly threads: number;
  /** Processes or threads that vanished between listing and reading (skipped silently). */
  readonly vanished: number;
  /** Files read (stat + wchan + syscall + stack …). */
  readonly filesRead: number;
  /** `stack` files read (only where they decide something). */
  readonly stacksRead: number;
  /** Wall time of the sample, ms. */
  readonly wallMs: number;
  /** CPU time (user + system) of the sample, ms, from process.cpuUsage(). */
  readonly cpuMs: number;
  /** Whether the process (task) list was re-read in this sample or reused from an earlier one. */
  readonly listRefreshed: boolean;
  /** Incremental sampling: threads whose `schedstat` showed they had not run, so only it was read. */
  readonly unchanged?: number;
  /**
   * Threads that read this sample: 2 when `top --once` shared it with a worker thread (big
   * machines only), else 1. Absent in captures made before it existed.
   */
  readonly readers?: number;
}

export interface MachineSample {
  /** Monotonic ms (performance.now() on live samples, meta on replay). */
  readonly tMonoMs: number;
  readonly tWallMs: number;
  readonly threads: readonly MachineThread[];
  /** System PSI (/proc/pressure/*). */
  readonly pressure: PressureSet;
  /** PSI of each top-level cgroup v2 directory; null when not read in this sample (or no cgroup v2). */
  readonly cgroupPressure: readonly CgroupPressure[] | null;
  readonly stats: MachineSampleStats;
  /** Processes left out on purpose (proctriage's own: `excludePids`), not counted in stats; absent when none. */
  readonly excludedPids?: readonly number[];
}

/** Threads are grouped by these three. */
export interface GroupKey {
  readonly kind: WaitKind;
  readonly function: string | null;
  readonly comm: string;
}

export interface Group extends GroupKey {
  /** `kind|function|comm`: stable across windows, usable as a map key. */
  readonly key: string;
  /** Sum over samples of threads in this group, divided by the number of samples. */
  readonly avgActive: number;
  /** Most threads seen in this group in one sample. */
  readonly maxThreads: number;
  /** Samples in which the group had at least one thread. */
  readonly samplesSeen: number;
  /** Processes with a thread in this group in any sample of the window, ascending. */
  readonly pids: readonly number[];
}

/** The distribution over a window of samples. */
export interface MachineWindow {
  readonly samples: number;
  /** From the first sample to the last (0 for one sample). */
  readonly durationMs: number;
  /** Running and D-state groups first, then by avgActive descending. */
  readonly groups: readonly Group[];
  /** Average threads seen per sample. */
  readonly avgThreads: number;
}

export interface MachineSamplerOptions {
  /** Proc root (default `/proc`). */
  readonly procRoot?: string;
  /** Re-list processes and threads only when this many ms have passed since the last listing (default 0: every sample). */
  readonly listEveryMs?: number;
  /**
   * Re-list only when a task was created since the last listing: the fork count (`processes` in
   * /proc/stat, global to every pid namespace) moved. Exits need no listing: their reads fail.
   */
  readonly relistOnForks?: boolean;
  /**
   * Read a thread's `schedstat` first; when it is as it was at the last sample the thread has
   * not run, so its state and wait cannot have changed, and nothing else of it is read again
   * (see `sampler.ts`). Off for recorded samples: each must hold all it shows.
   */
  readonly incremental?: boolean;
  /** Read the syscall of futex waiters to name the word of a lock queue (`MachineThread.lockWord`). */
  readonly lockWords?: boolean;
  /** Keep per-thread fds open across samples, within this many (default 0: open, read, close). */
  readonly keepOpenFds?: number;
  /** Read top-level cgroup PSI at most this often (default 1000 ms; 0: every sample; Infinity: never). */
  readonly cgroupPressureEveryMs?: number;
  /**
   * `when-needed` (default): read a thread's syscall file only when the state and wait channel
   * do not already decide its wait (then `wait.syscall` is null); `always`: every S/D user thread.
   */
  readonly readSyscall?: 'always' | 'when-needed';
  /** Only these processes (for a filtered capture); default every process. */
  readonly pids?: readonly number[];
  /**
   * Leave these processes out (top and sample pass `process.pid`: the sampler's own threads
   * would otherwise show as a running `node`); the sample names them in `excludedPids`.
   */
  readonly excludePids?: readonly number[];
}

export interface MachineSampler {
  /** One sample; `through` wraps the sampler's own ProcFs for this sample (a recorder). */
  sample(through?: ProcFs): MachineSample;
  /** Closes any fds kept open. */
  close(): void;
}
