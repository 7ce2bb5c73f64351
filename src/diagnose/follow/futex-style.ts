import type { ThreadDiagnosis } from '../types.js';

/**
 * How a futex waiter waits, from the futex op the classifier decoded. glibc's mutex slow path
 * (lll_lock_wait) uses plain FUTEX_WAIT(_PRIVATE) and PI mutexes FUTEX_LOCK_PI: a thread
 * queued behind a lock. Condition variables, semaphores and most runtimes' parking use
 * FUTEX_WAIT_BITSET: a thread parked until someone has work for it.
 */
export type FutexStyle = 'lock' | 'park';

/** FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_LOCK_PI2: a thread queued behind a lock. */
const LOCK_COMMANDS: ReadonlySet<number> = new Set([0, 6, 13]);

/** null when the op could not be read (the syscall file was denied or not read). */
export function futexStyle(thread: ThreadDiagnosis): FutexStyle | null {
  if (thread.wait.kind !== 'futex') return null;
  const command = thread.wait.futexCommand ?? null;
  if (command === null) return null;
  return LOCK_COMMANDS.has(command) ? 'lock' : 'park';
}
