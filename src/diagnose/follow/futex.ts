import { futexStyle } from './futex-style.js';
import type { ThreadDiagnosis } from '../types.js';
import type { FutexGroup, FutexStyleVerdict } from './types.js';

/** A thread that holds a CPU: running or runnable now, or ≥ 20 % of a core over the interval. */
export const BUSY_CPU_PERCENT = 20;

function busy(t: ThreadDiagnosis): boolean {
  return t.state === 'R' || (t.cpuPercent ?? 0) >= BUSY_CPU_PERCENT;
}

/**
 * Futex waiters grouped by futex word (the same address in one process is the same lock or
 * condition variable), biggest group first.
 *
 * The heuristic that tells a lock queue from a parked pool:
 * 1. The futex op first: glibc's mutex slow path waits with plain FUTEX_WAIT(_PRIVATE) and PI
 *    mutexes with FUTEX_LOCK_PI → threads queued behind a lock; condition variables, semaphores
 *    and runtimes' parking use FUTEX_WAIT_BITSET → threads parked until there is work.
 * 2. Then the CPU: a thread of the process that is running (state R) or used ≥ 20 % of a core
 *    over the interval while the others wait is named as the likely lock holder; when the op is
 *    not known (syscall unreadable), a busy thread makes the group a lock queue, none a parked pool.
 */
export function futexGroups(threads: readonly ThreadDiagnosis[]): FutexGroup[] {
  const byAddress = new Map<string, ThreadDiagnosis[]>();
  for (const t of threads) {
    if (t.wait.kind !== 'futex' || t.wait.argument?.name !== 'futex address') continue;
    const list = byAddress.get(t.wait.argument.raw) ?? [];
    list.push(t);
    byAddress.set(t.wait.argument.raw, list);
  }
  const runners = threads.filter(busy);
  const runnerWords = runners
    .slice(0, 3)
    .map((t) => `${t.comm} ${t.tid} (${t.state === 'R' ? 'running' : 'on CPU'}${t.cpuPercent !== null ? `, ${t.cpuPercent.toFixed(0)} % CPU` : ''})`)
    .join(', ');
  return [...byAddress.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([address, members], i): FutexGroup => {
      const styles = new Set(members.map(futexStyle));
      const opKnown = !styles.has(null);
      const lockOp = styles.has('lock');
      let style: FutexStyleVerdict;
      let basis: string;
      if (members.length === 1 && !lockOp) {
        style = 'single';
        basis = 'one waiter on this word';
      } else if (lockOp || (!opKnown && runners.length > 0)) {
        style = 'lock-queue';
        const why = lockOp ? 'futex op is the mutex slow path (FUTEX_WAIT / LOCK_PI)' : 'futex op unknown, and a thread of the process holds a CPU';
        basis = `${why}; ${runners.length > 0 ? `likely holder: ${runnerWords}` : 'no thread of the process runs: the holder sleeps or waits elsewhere while holding it'}`;
      } else {
        style = 'parked-pool';
        basis = `${opKnown ? 'futex op is FUTEX_WAIT_BITSET (condition variable, semaphore or runtime parking)' : 'futex op unknown'}; ${runners.length > 0 ? `meanwhile ${runnerWords} works` : 'no thread of the process holds a CPU'}`;
      }
      const n = members.length;
      const summary =
        style === 'lock-queue'
          ? `${n} thread${n === 1 ? '' : 's'} queued behind one lock at ${address}${runners.length > 0 ? ` while ${runners[0]!.comm} ${runners[0]!.tid} runs` : ' (its holder is not running)'}`
          : style === 'parked-pool'
            ? `an idle pool: ${n} threads parked on one condition variable at ${address}`
            : `1 thread waiting on futex ${address}`;
      return { id: `F${i + 1}`, address, tids: members.map((m) => m.tid), count: n, style, contended: n > 1, basis, summary };
    });
}
