import type { Activity } from '../activity.js';
import { measured } from '../evidence.js';
import type { CulpritList, Evidence, NextCommand, ProcessFacts, Resource, TreeStep, Verdict, VerdictCause, VerdictKind } from '../types.js';

export interface TreeResult {
  readonly verdict: Verdict;
  readonly path: TreeStep[];
  readonly next: NextCommand[];
}

// Thresholds, in average threads over the interval (psn's measure) unless said otherwise.

/** D-state time worth a verdict: a fifth of one thread's time. */
export const BLOCKED_MIN = 0.2;

/** Runnable time worth a verdict: 100 ms per second... */
export const RUNNABLE_MIN = 0.1;

/** ...and a fifth of the time it wanted a CPU. */
export const RUNNABLE_SHARE_MIN = 0.2;

/** Blocked time outweighs runqueue time up to this factor (see dominantActive). */
export const BLOCKED_OVER_RUNNABLE = 3;

/** Busy on CPU: half a core. */
export const RUNNING_MIN = 0.5;

/** Reclaim worth a verdict. */
export const RECLAIM_MIN = 0.05;

/** Major faults per second that mean the working set does not fit. */
export const MAJOR_FAULTS_MIN = 20;

/** Share of periods throttled by a CPU quota that holds a process back. */
export const THROTTLED_MIN = 0.1;

/** A culprit's share that makes it "the source". */
export const SOURCE_SHARE = 50;

export const cap = (s: string): string => (s.length > 0 ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Average threads: two decimals for a few threads, fewer for many (10000 threads, not 10000.00). */
export const avg = (v: number): string => v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);

/** A stall share: two decimals below 1 %, where one would read 0.0. */
export const stall = (v: number): string => v.toFixed(v < 1 ? 2 : 1);

export const name = (p: ProcessFacts): string => `${p.comm} (${p.pid})`;

// ---------------------------------------------------------------------------------------
// Step 1: pressure, now and recently

export interface Finding {
  readonly kind: VerdictKind;
  readonly resource: Resource | null;
  readonly cause: VerdictCause;
  readonly severity: Verdict['severity'];
  readonly summary: string;
  readonly facts: readonly Evidence[];
  readonly culprits?: readonly CulpritList[];
}

export function activityFacts(a: Activity, pid: number): Evidence[] {
  const src = a.over === 'interval' ? `/proc/${pid}/task/*/schedstat, and looks at stat, wchan, syscall` : `/proc/${pid}/task/*/stat, wchan (one instant)`;
  const out: Evidence[] = [measured('threads on a CPU (average)', a.running, 'threads', src)];
  if (a.over === 'interval') out.push(measured('threads waiting for a CPU (average)', a.runnable, 'threads', `/proc/${pid}/task/*/schedstat run delay`));
  for (const w of a.waits.slice(0, 4)) out.push(measured(`threads in ${w.kind}${w.function ? ` (${w.function})` : ''} (average)`, w.avgThreads, 'threads', src));
  return out;
}

// ---------------------------------------------------------------------------------------
// Tier 0: connections dropped
