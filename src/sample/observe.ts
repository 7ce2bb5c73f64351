import { stackWhereItDecides } from '../classify/stack-policy.js';
import { classifySnapshot } from '../classify/snapshot.js';
import type { WaitKind } from '../kernel/wait-kinds.js';
import type { ProcFs } from '../procfs/procfs.js';
import { readThreads, type ThreadReadOptions } from '../readers/process.js';
import type { HostFacts, ThreadSnapshot } from '../readers/types.js';

/** How often one wait was seen for one thread. */
export interface WaitTally {
  readonly kind: WaitKind;
  readonly function: string | null;
  count: number;
}

/** What one thread was seen doing at each look during an interval. */
export interface ThreadObservations {
  readonly tid: number;
  /** Looks in which the thread was there. */
  looks: number;
  /** Looks in which it was off the CPU, by (wait kind, kernel function). */
  readonly waits: Map<string, WaitTally>;
}

/**
 * The looks at a process between two full samples: psn's sampling of thread states, for one
 * process. A thread switches state thousands of times a second, so one instant says little;
 * what it did over the interval is the share of looks in each wait.
 */
export interface Observations {
  /** Looks taken, the two full samples at the ends included. */
  readonly looks: number;
  readonly firstMonoMs: number;
  readonly lastMonoMs: number;
  readonly threads: ReadonlyMap<number, ThreadObservations>;
  /** CPU the looks between the ends cost, ms (for the rate and for the report). */
  readonly costMs: number;
}

export const waitKey = (kind: WaitKind, fn: string | null): string => `${kind}\u0000${fn ?? ''}`;

/** Room a tick leaves for everything else: at most this share of the wall time is spent looking. */
export interface ObserveRate {
  /** Highest rate, looks per second (default 20, psn's). */
  readonly maxHz: number;
  /** Share of one core the looks may use (0.25: a quarter of the time between looks). */
  readonly duty: number;
}

export const TRIAGE_RATE: ObserveRate = { maxHz: 20, duty: 0.25 };

/**
 * Looks at a process's threads between its full samples. Each look reads what decides a
 * thread's state and wait and nothing else: `schedstat` first — a thread that has not run since
 * the last look cannot have changed its wait, so its last snapshot stands — then `stat`,
 * `wchan`, `syscall`, and `stack` only where it decides (D state, an ambiguous wait channel).
 * Files are read through the same ProcFs (kept open by a live session), so a capture records
 * the looks and replay repeats them.
 */
export class IntervalObserver {
  private last: Map<number, ThreadSnapshot>;
  private readonly threads = new Map<number, ThreadObservations>();
  private looks = 0;
  private costMs = 0;
  private firstMonoMs: number;
  private lastMonoMs: number;
  private readonly readOptions: ThreadReadOptions;

  constructor(
    private readonly pid: number,
    private readonly host: Pick<HostFacts, 'arch' | 'kernelVersion'>,
    start: { readonly tMonoMs: number; readonly threads: readonly ThreadSnapshot[] },
    private readonly rate: ObserveRate = TRIAGE_RATE,
  ) {
    this.readOptions = { stack: stackWhereItDecides(host.arch), threadIo: false, children: false, status: false };
    this.last = new Map(start.threads.map((t) => [t.tid, t]));
    this.firstMonoMs = this.lastMonoMs = start.tMonoMs;
    this.count(start.threads);
  }

  /** One look at every thread through `fs`; false when the process is gone. */
  look(fs: ProcFs, tMonoMs: number): boolean {
    const cpu0 = process.cpuUsage();
    const { threads } = readThreads(fs, this.pid, { ...this.readOptions, previous: this.last });
    if (!threads.ok) return false;
    this.last = new Map(threads.value.map((t) => [t.tid, t]));
    this.count(threads.value);
    this.lastMonoMs = tMonoMs;
    const cpu = process.cpuUsage(cpu0);
    this.costMs += (cpu.user + cpu.system) / 1000;
    return true;
  }

  /** Each thread's snapshot at the last look (or at the start). */
  latest(): ReadonlyMap<number, ThreadSnapshot> {
    return this.last;
  }

  /** Milliseconds to wait before the next look: as often as `maxHz`, but never more than `duty` of the time. */
  nextDelayMs(lastLookMs: number): number {
    return Math.max(1000 / this.rate.maxHz, lastLookMs / this.rate.duty - lastLookMs);
  }

  /** The looks so far, closed by the full sample at the end (counted as the last look). */
  finish(end: { readonly tMonoMs: number; readonly threads: readonly ThreadSnapshot[] }): Observations {
    this.count(end.threads);
    this.lastMonoMs = end.tMonoMs;
    return { looks: this.looks, firstMonoMs: this.firstMonoMs, lastMonoMs: this.lastMonoMs, threads: this.threads, costMs: this.costMs };
  }

  private count(threads: readonly ThreadSnapshot[]): void {
    this.looks++;
    for (const t of threads) {
      let seen = this.threads.get(t.tid);
      if (seen === undefined) this.threads.set(t.tid, (seen = { tid: t.tid, looks: 0, waits: new Map() }));
      seen.looks++;
      const wait = classifySnapshot(t, this.host.arch, null, this.host.kernelVersion ?? null);
      if (wait.kind === 'running') continue;
      const key = waitKey(wait.kind, wait.function);
      const tally = seen.waits.get(key);
      if (tally) tally.count++;
      else seen.waits.set(key, { kind: wait.kind, function: wait.function, count: 1 });
    }
  }
}
