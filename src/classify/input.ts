import type { Arch } from '../kernel/arch.js';
import type { KernelVersion } from '../kernel/version.js';
import type { FdTarget } from '../parsers/fd.js';
import type { StackFrame } from '../parsers/stack.js';
import type { SyscallState } from '../parsers/syscall.js';
import type { WchanInfo } from '../parsers/wchan.js';
import type { ReadResult } from '../procfs/errors.js';

/** Everything the classifier may look at for one thread; each file may have failed. */
export interface ClassifyInput {
  /** State letter from `stat` (R S D T t Z X I P …). */
  readonly state: string;
  readonly comm: string;
  /** PF_KTHREAD in stat flags: kernel threads' `syscall` reads as a zeroed `read` and must be ignored. */
  readonly isKernelThread: boolean;
  readonly wchan: ReadResult<WchanInfo>;
  readonly stack: ReadResult<readonly StackFrame[]>;
  readonly syscall: ReadResult<SyscallState>;
  readonly arch: Arch;
  /** The running kernel's version, from its release (`6.18.44-fc`): symbols are checked against the catalog's ranges. */
  readonly kernel?: KernelVersion | null;
  /**
   * What `/proc/PID/fd/N` of the syscall's fd argument points to (read, recv, accept, …), when
   * known. It decides a shared wait site (`wait_woken`: socket, tty or inotify?) without the stack.
   */
  readonly fdTarget?: FdTarget | null;
}
