import type { Arch } from '../../kernel/arch.js';
import { syscallName } from '../../kernel/syscalls.js';

/**
 * FUTEX_* commands (op & FUTEX_CMD_MASK) that queue a thread behind a lock: plain FUTEX_WAIT is
 * glibc's mutex slow path (lll_lock_wait), FUTEX_LOCK_PI and FUTEX_LOCK_PI2 PI mutexes. Condition
 * variables, semaphores and runtimes' parking wait with FUTEX_WAIT_BITSET (9) instead.
 */
const LOCK_COMMANDS = new Set([0, 6, 13]);
const FUTEX_CMD_MASK = 0x7f;

/**
 * The futex word a thread is queued on when its syscall file shows a lock-style futex wait
 * (`202 0x55d0c1a2b140 0x80 0x2 …` on x86_64), else null. Threads of one process on the same word
 * with a lock op form a lock queue (the rule of diagnose/follow/futex.ts, from the op alone).
 */
export function futexLockWord(syscallText: string, arch: Arch): string | null {
  const parts = syscallText.trim().split(' ');
  if (parts.length < 3) return null;
  const nr = Number(parts[0]);
  if (!Number.isInteger(nr) || nr < 0 || syscallName(arch, nr) !== 'futex') return null;
  const op = Number.parseInt(parts[2]!, 16);
  if (!Number.isFinite(op) || !LOCK_COMMANDS.has(op & FUTEX_CMD_MASK)) return null;
  return parts[1]!;
}
