import { WAIT_KIND_INFO } from '../kernel/wait-kind-info.js';
import type { WaitKind } from '../kernel/wait-kinds.js';
import type { ProcessShares, ThreadDiagnosis, WaitAverage } from './types.js';

/**
 * Where the process's threads spent the interval, in average threads (psn's measure), by what
 * it means for the verdict. From the looks over the interval when there were two samples; from
 * the one instant otherwise (each thread counts 1 where it was).
 */
export interface Activity {
  readonly over: 'interval' | 'instant';
  readonly threads: number;
  /** On a CPU. */
  readonly running: number;
  /** Runnable, waiting for a CPU (schedstat run delay); 0 from one instant (R cannot tell the two apart). */
  readonly runnable: number;
  /** D state on disk or network-filesystem I/O. */
  readonly disk: number;
  /** D state in memory reclaim. */
  readonly reclaim: number;
  /** Other D-state and blocking waits: a kernel lock, a freeze, vfork, a file lock, an unknown D wait. */
  readonly kernel: number;
  /** Waiting for someone else: a child, a peer, a futex, IPC, or a wait the catalog does not know. */
  readonly waiting: number;
  /** Waiting for work by design. */
  readonly idle: number;
  readonly halted: number;
  readonly hidden: number;
  /** Every off-CPU wait with its average threads, biggest first. */
  readonly waits: readonly WaitAverage[];
  /** Average threads by wait kind. */
  readonly byKind: ReadonlyMap<WaitKind, number>;
}

function bucket(kind: WaitKind): 'disk' | 'reclaim' | 'kernel' | 'waiting' | 'idle' | 'halted' | 'hidden' | null {
  if (kind === 'disk-io') return 'disk';
  if (kind === 'reclaim') return 'reclaim';
  switch (WAIT_KIND_INFO[kind].posture) {
    case 'blocked':
      return 'kernel';
    case 'waiting':
      return 'waiting';
    case 'idle':
      return 'idle';
    case 'halted':
      return 'halted';
    case 'hidden':
      return 'hidden';
    case 'running':
      return null;
  }
}

export function activityOf(shares: ProcessShares | null | undefined, threads: readonly ThreadDiagnosis[]): Activity {
  const sums = { disk: 0, reclaim: 0, kernel: 0, waiting: 0, idle: 0, halted: 0, hidden: 0 };
  const byKind = new Map<WaitKind, number>();
  let waits: WaitAverage[];
  let running: number;
  let runnable = 0;
  let over: Activity['over'];
  if (shares && shares.running !== null) {
    over = 'interval';
    running = shares.running;
    runnable = shares.runnable ?? 0;
    waits = [...shares.waits];
  } else {
    over = 'instant';
    running = threads.filter((t) => t.wait.kind === 'running').length;
    const counts = new Map<string, WaitAverage>();
    for (const t of threads) {
      if (t.wait.kind === 'running') continue;
      const key = `${t.wait.kind}\u0000${t.wait.function ?? ''}`;
      const c = counts.get(key);
      counts.set(key, { kind: t.wait.kind, function: t.wait.function, avgThreads: (c?.avgThreads ?? 0) + 1 });
    }
    waits = [...counts.values()].sort((a, b) => b.avgThreads - a.avgThreads);
  }
  for (const w of waits) {
    const b = bucket(w.kind);
    if (b) sums[b] += w.avgThreads;
    byKind.set(w.kind, (byKind.get(w.kind) ?? 0) + w.avgThreads);
  }
  return { over, threads: threads.length, running, runnable, ...sums, waits, byKind };
}

/** Average threads in these kinds. */
export function inKinds(activity: Activity, kinds: readonly WaitKind[]): number {
  return kinds.reduce((n, k) => n + (activity.byKind.get(k) ?? 0), 0);
}
