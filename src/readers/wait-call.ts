import type { Arch } from '../kernel/arch.js';
import { waitCallOf, type WaitCall } from '../kernel/syscall-signatures.js';
import type { SyscallState } from '../parsers/syscall.js';
import type { ReadResult } from '../procfs/errors.js';

export type { WaitCall };

/** What a thread's `syscall` file says it waits on; null when it is not in a syscall or the file could not be read. */
export function waitCall(syscall: ReadResult<SyscallState>, arch: Arch): WaitCall | null {
  if (!syscall.ok || syscall.value.kind !== 'in-syscall') return null;
  return waitCallOf(arch, syscall.value.nr, syscall.value.args);
}
