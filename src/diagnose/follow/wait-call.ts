import type { ReadResult } from '../../procfs/errors.js';
import type { SyscallState } from '../../parsers/syscall.js';
import { syscallName } from '../../kernel/syscalls.js';
import type { Arch } from '../../kernel/wait-kinds.js';

/** Syscalls whose first argument is the fd the thread waits on. */
const FD_FIRST = new Set([
  'read', 'readv', 'pread64', 'preadv', 'preadv2', 'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2',
  'recvfrom', 'recvmsg', 'recvmmsg', 'sendto', 'sendmsg', 'sendmmsg', 'accept', 'accept4', 'connect',
  'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'splice', 'sendfile',
]);
const EPOLL = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2']);
const WAIT_CHILD = new Set(['wait4', 'waitid']);

/** The syscall a thread sleeps in, and the fd or pid it names, when that says what it waits on. */
export interface WaitCall {
  readonly name: string;
  /** The fd argument of a read/recv/accept/epoll_wait-like call. */
  readonly fd: number | null;
  readonly epoll: boolean;
  /** wait4/waitid: the pid argument (-1 any child, 0 its process group, < -1 a group, > 0 one child). */
  readonly waitPid: number | null;
  readonly waitsForChild: boolean;
}

function int32(v: bigint | undefined): number | null {
  if (v === undefined) return null;
  return Number(BigInt.asIntN(32, v));
}

export function waitCall(syscall: ReadResult<SyscallState>, arch: Arch): WaitCall | null {
  if (!syscall.ok || syscall.value.kind !== 'in-syscall') return null;
  const { nr, args } = syscall.value;
  const name = syscallName(arch, nr);
  if (name === null) return null;
  const fd = FD_FIRST.has(name) ? int32(args[0]) : null;
  const waitsForChild = WAIT_CHILD.has(name);
  // waitid(idtype, id, …): P_ALL 0, P_PID 1, P_PGID 2.
  const waitPid = name === 'wait4' ? int32(args[0]) : name === 'waitid' ? (int32(args[0]) === 1 ? int32(args[1]) : -1) : null;
  return { name, fd: fd !== null && fd >= 0 ? fd : null, epoll: EPOLL.has(name), waitPid, waitsForChild };
}
