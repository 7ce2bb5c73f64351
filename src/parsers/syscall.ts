import { ParseError } from '../procfs/errors.js';

/**
 * `/proc/<pid>/task/<tid>/syscall` has three shapes (fs/proc/base.c proc_pid_syscall):
 * `running`; `-1 sp pc` when blocked outside a syscall (page fault, stopped from user
 * mode, zombie); and `nr a0 … a5 sp pc` when blocked in a syscall.
 */
export type SyscallState =
  | { readonly kind: 'running' }
  | { readonly kind: 'not-in-syscall'; readonly sp: bigint; readonly pc: bigint }
  | {
      readonly kind: 'in-syscall';
      readonly nr: number;
      /** The six raw argument registers, unsigned. Unused ones hold garbage. */
      readonly args: readonly bigint[];
      readonly sp: bigint;
      readonly pc: bigint;
    };

function hex(token: string | undefined, what: string): bigint {
  if (token === undefined || !/^0x[0-9a-fA-F]{1,16}$/.test(token)) {
    throw new ParseError(`expected a hex ${what}, got ${JSON.stringify(token ?? '')}`, 1);
  }
  return BigInt(token);
}

export function parseSyscall(text: string): SyscallState {
  const line = text.trim();
  if (line === 'running') return { kind: 'running' };
  const tokens = line.split(/\s+/);
  const first = tokens[0];
  // The kernel prints any negative nr (normally -1; a ptrace stop at entry of syscall(-2) gives -2)
  // as `nr sp pc`; an x32 syscall number carries bit 30 (0x40000000), so it has ten digits.
  if (first !== undefined && /^-\d{1,10}$/.test(first)) {
    if (tokens.length !== 3) throw new ParseError(`expected "-1 sp pc", got ${tokens.length} fields`, 1);
    return { kind: 'not-in-syscall', sp: hex(tokens[1], 'stack pointer'), pc: hex(tokens[2], 'program counter') };
  }
  if (first === undefined || !/^\d{1,10}$/.test(first) || Number(first) > 0x7fffffff) {
    throw new ParseError(`expected "running", "-1 sp pc" or a syscall number, got ${JSON.stringify(line.slice(0, 40))}`, 1);
  }
  if (tokens.length !== 9) throw new ParseError(`expected a syscall number, 6 arguments, sp and pc; got ${tokens.length} fields`, 1);
  const args = tokens.slice(1, 7).map((t, i) => hex(t, `argument ${i}`));
  return { kind: 'in-syscall', nr: Number(first), args, sp: hex(tokens[7], 'stack pointer'), pc: hex(tokens[8], 'program counter') };
}

/** An argument register read as a signed 64-bit value (pid -1 is 0xffffffffffffffff). */
export function signedArg(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** An argument register read as a C `int` (fds, pids), as the kernel truncates it. */
export function intArg(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}
