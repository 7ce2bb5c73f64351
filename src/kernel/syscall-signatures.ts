import type { Arch } from './arch.js';
import { syscallName } from './syscalls.js';

/**
 * What a blocking syscall's arguments are, by position, where they say what the thread waits
 * on. One table serves the classifier's decoders (the summary `waitpid(pid=-1 any child)`) and
 * the follow step (which fd, epoll instance or child to look at). Positions are the same on
 * every architecture we read: only the syscall numbers differ.
 */
export type ArgRole =
  /** The descriptor the call sleeps on (read, recv, accept, fsync, …). */
  | 'fd'
  /** epoll_wait's epoll instance: its fdinfo lists what is watched. */
  | 'epoll-fd'
  /** wait4: -1 any child, 0 any in its process group, < -1 a group, > 0 one child. */
  | 'pid'
  /** waitid: P_ALL 0, P_PID 1, P_PGID 2, P_PIDFD 3; its `id` follows. */
  | 'idtype'
  | 'id'
  /** The futex word's user address: the same address in one process is the same lock. */
  | 'futex-word'
  | 'futex-op'
  /** futex_wait(2)'s FUTEX2_* flags. */
  | 'futex2-flags'
  | 'futex-vector'
  | 'futex-count'
  /** poll/select: how many descriptors each call registers. */
  | 'nfds'
  /** An int of milliseconds; negative waits forever. */
  | 'timeout-ms'
  /** A pointer to a timespec or timeval in user memory; NULL waits forever. */
  | 'timeout-ptr'
  | 'clock'
  | 'clock-flags'
  | 'fcntl-cmd'
  | 'flock-op'
  | 'msqid'
  | 'semid'
  | 'min-complete';

type Signature = readonly (ArgRole | null)[];

const FD: Signature = ['fd'];
const fdCalls = (names: readonly string[]): [string, Signature][] => names.map((name) => [name, FD]);

export const SYSCALL_SIGNATURES: Readonly<Record<string, Signature>> = {
  ...Object.fromEntries(
    fdCalls([
      'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
      'recvfrom', 'recvmsg', 'recvmmsg', 'sendto', 'sendmsg', 'sendmmsg', 'accept', 'accept4', 'connect',
      'fsync', 'fdatasync', 'syncfs', 'sync_file_range', 'ioctl', 'getdents', 'getdents64', 'ftruncate',
      'fallocate', 'fstat', 'splice', 'tee', 'vmsplice', 'sendfile', 'copy_file_range', 'close', 'lseek',
      'mq_timedreceive', 'mq_timedsend', 'io_uring_register',
    ]),
  ),
  wait4: ['pid'],
  waitid: ['idtype', 'id'],
  epoll_wait: ['epoll-fd', null, null, 'timeout-ms'],
  epoll_pwait: ['epoll-fd', null, null, 'timeout-ms'],
  epoll_pwait2: ['epoll-fd', null, null, 'timeout-ptr'],
  futex: ['futex-word', 'futex-op'],
  futex_wait: ['futex-word', null, null, 'futex2-flags'],
  futex_waitv: ['futex-vector', 'futex-count'],
  poll: [null, 'nfds', 'timeout-ms'],
  ppoll: [null, 'nfds', 'timeout-ptr'],
  select: ['nfds', null, null, null, 'timeout-ptr'],
  pselect6: ['nfds', null, null, null, 'timeout-ptr'],
  nanosleep: [],
  clock_nanosleep: ['clock', 'clock-flags'],
  io_uring_enter: ['fd', null, 'min-complete'],
  fcntl: ['fd', 'fcntl-cmd'],
  flock: ['fd', 'flock-op'],
  msgrcv: ['msqid'],
  msgsnd: ['msqid'],
  semop: ['semid'],
  semtimedop: ['semid'],
};

/** Where `role` is among `name`'s arguments; null when the call has no such argument. */
export function argIndex(name: string, role: ArgRole): number | null {
  const index = SYSCALL_SIGNATURES[name]?.indexOf(role) ?? -1;
  return index >= 0 ? index : null;
}

/** A raw syscall argument as the C `int` it is (fds, pids, millisecond timeouts). */
export function int32(value: bigint | undefined): number | null {
  return value === undefined ? null : Number(BigInt.asIntN(32, value));
}

/** The argument of `role`, as an int; null when the call has none. */
export function intArgOf(name: string, args: readonly bigint[], role: ArgRole): number | null {
  const index = argIndex(name, role);
  return index === null ? null : int32(args[index] ?? 0n);
}

/** The syscall a thread sleeps in, and the fd or pid it names, when that says what it waits on. */
export interface WaitCall {
  readonly name: string;
  /** The descriptor it waits on: the fd of a read/recv/accept-like call, or the epoll instance. */
  readonly fd: number | null;
  readonly epoll: boolean;
  /** wait4/waitid: the pid argument (-1 any child, 0 its process group, < -1 a group, > 0 one child). */
  readonly waitPid: number | null;
  readonly waitsForChild: boolean;
}

const P_PID = 1;

/** What a thread in syscall `nr` with these arguments waits on; null for a number the table does not know. */
export function waitCallOf(arch: Arch, nr: number, args: readonly bigint[]): WaitCall | null {
  const name = syscallName(arch, nr);
  if (name === null) return null;
  const fd = intArgOf(name, args, 'fd') ?? intArgOf(name, args, 'epoll-fd');
  const idtype = intArgOf(name, args, 'idtype');
  const waitPid = intArgOf(name, args, 'pid') ?? (idtype === null ? null : idtype === P_PID ? intArgOf(name, args, 'id') : -1);
  return {
    name,
    fd: fd !== null && fd >= 0 ? fd : null,
    epoll: argIndex(name, 'epoll-fd') !== null,
    waitPid,
    waitsForChild: waitPid !== null,
  };
}
