import { skipped } from '../procfs/errors.js';
import { isKernelThreadFlags } from '../parsers/stat.js';
import type { ThreadSoFar } from '../readers/process.js';
import { classifyThread } from './classify.js';
import type { WaitClassification } from '../kernel/wait-kinds.js';
import type { Arch } from '../kernel/arch.js';

/** The wait channel and syscall gave a sure, specific answer: a stack would not change it. */
export function isDecided(c: WaitClassification): boolean {
  return c.confidence === 'certain' && c.kind !== 'other' && c.kind !== 'unknown' && c.kind !== 'uninterruptible';
}

/**
 * Settled enough to group by: decided, or the syscall picked the one catalog row that fits
 * the wait channel (poll_schedule_timeout in poll(), not select()). A stack would raise the
 * confidence but not change the kind or the function, so a whole-machine sample, which reads
 * thousands of threads, does not read it.
 */
export function isSettled(c: WaitClassification): boolean {
  if (isDecided(c)) return true;
  return c.confidence === 'likely' && c.basis.includes('syscall') && c.kind !== 'other' && c.kind !== 'unknown' && c.kind !== 'uninterruptible';
}

/** State letters that decide the wait by themselves (running, stopped, traced, zombie, idle). */
const STATE_DECIDES = new Set(['R', 'T', 't', 'Z', 'X', 'I', 'P']);

/**
 * For a sampler that runs every second: read a thread's kernel stack only where it decides
 * something — D state (disk I/O, kernel lock or reclaim look alike in wchan) or a wait the
 * wait channel and syscall leave open. (The thread the user looks at is read anyway: `focusTid`.)
 */
export function stackWhereItDecides(arch: Arch): (thread: ThreadSoFar) => boolean {
  return (t) => {
    if (!t.stat.ok) return true;
    const { state, comm, flags } = t.stat.value;
    if (state === 'D') return true;
    if (STATE_DECIDES.has(state)) return false;
    const c = classifyThread({ state, comm, isKernelThread: isKernelThreadFlags(flags), wchan: t.wchan, syscall: t.syscall, stack: skipped(''), arch });
    return !isDecided(c);
  };
}
