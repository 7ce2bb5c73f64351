import type { ThreadDiagnosis } from '../types.js';

/**
 * How a futex waiter waits, from the futex op the classifier decoded. glibc's mutex slow path
 * (lll_lock_wait) uses plain FUTEX_WAIT(_PRIVATE) and PI mutexes FUTEX_LOCK_PI: a thread
 * queued behind a lock. Condition variables, semaphores and most runtimes' parking use
 * FUTEX_WAIT_BITSET: a thread parked until someone has work for it.
 */
export type FutexStyle = 'lock' | 'park';

export function futexStyle(thread: ThreadDiagnosis): FutexStyle | null {
  if (thread.wait.kind !== 'futex') return null;
  const op = thread.wait.argument?.value ?? '';
  if (/LOCK_PI|FUTEX_WAIT(_PRIVATE)?\b(?!_)/.test(op) && !/BITSET/.test(op)) return 'lock';
  return 'park';
}
