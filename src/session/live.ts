import { diagnose, ProcessGoneError } from '../diagnose/diagnose.js';
import type { Diagnosis } from '../diagnose/types.js';
import type { ProcFs } from '../procfs/procfs.js';
import { buildModel, type Model } from '../sample/model.js';
import { FollowCache } from './follow-cache.js';
import { monotonicMs, processVanished, takeSample } from '../sample/sampler.js';
import { IntervalObserver, type ObserveRate } from '../sample/observe.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sample } from '../sample/types.js';
import type { HostFacts } from '../readers/types.js';
import { liveHostFacts, readPageSizeKb } from '../readers/host.js';
import { MachineWatch } from './machine-watch.js';
import { collectGarbage } from './heap.js';
import { BIG_PROCESS_THREADS, bigProcessReads, countTasks } from '../sample/big-process.js';
import { stackWhereItDecides } from '../classify/stack-policy.js';
import type { ProcessReadOptions } from '../readers/process.js';
import type { SessionEnd, SessionStep, TriageSession } from './session.js';

export interface LiveSessionOptions {
  readonly threshold?: number;
  /**
   * A session that samples every second (the dashboard) reads less per thread: the stack only
   * where it decides the wait (D state, an ambiguous wait channel, the thread in focus), no
   * per-thread `io` (never shown), `children` only when a thread waits for children. A
   * one-shot triage or a capture reads everything.
   */
  readonly light?: boolean;
  /** How often and how dearly the threads are looked at between samples (default: triage's, 20 Hz within a quarter of a core). */
  readonly observeRate?: ObserveRate;
  /** Also measure every other process over each interval, so that culprits can be named (live /proc only). */
  readonly machine?: boolean;
}

/** Samples a live process; each step diagnoses the newest sample against the one before. */
export class LiveSession implements TriageSession {
  readonly mode = 'live' as const;
  readonly sampleCount = null;
  readonly host: HostFacts;
  private previous: Sample | null = null;
  /** Peer searches and the ppid map are kept a few seconds: the dashboard samples every second. */
  private readonly followCache = new FollowCache();
  private last: SessionStep = { diagnosis: null, sample: null, ended: null };
  private focusTid: number | null = null;
  private readonly readOptions: ProcessReadOptions;
  private readonly lightOptions: ProcessReadOptions;
  private observer: IntervalObserver | null = null;
  private lastLookMs = 0;
  private readonly machineWatch: MachineWatch | null;

  constructor(
    private readonly fs: ProcFs,
    readonly pid: number,
    private readonly options: LiveSessionOptions = {},
  ) {
    this.host = liveHostFacts(fs);
    this.lightOptions = { stack: stackWhereItDecides(this.host.arch), threadIo: false, children: false };
    this.readOptions = options.light ? this.lightOptions : {};
    this.machineWatch = options.machine ? new MachineWatch(fs, this.host.clockTicksPerSecond, readPageSizeKb(fs)) : null;
  }

  /** The thread a view is showing in detail: a light session reads its stack every sample. */
  setFocus(tid: number | null): void {
    this.focusTid = tid;
  }

  get kernelRelease(): string {
    return this.host.kernelRelease;
  }

  /** Take a sample now. Throws ProcessGoneError only when the very first sample finds no process. */
  step(): SessionStep {
    if (this.last.ended) return this.last;
    const big = this.threadCount() > BIG_PROCESS_THREADS;
    const light = this.options.light === true || big;
    // The freshest snapshot of each thread: the last look's, else the last sample's.
    const latest = this.observer?.latest() ?? (this.previous?.process.threads.ok ? new Map(this.previous.process.threads.value.map((t) => [t.tid, t])) : undefined);
    const readOptions = big ? bigProcessReads(this.host.arch) : light ? this.lightOptions : this.readOptions;
    const sample = takeSample(this.fs, this.pid, { ...readOptions, focusTid: this.focusTid, ...(light && latest ? { previous: latest } : {}), follow: { arch: this.host.arch, cache: this.followCache } });
    this.fs.sweep?.();
    if (processVanished(sample)) {
      const stat = sample.process.stat;
      if (this.previous === null && !stat.ok) throw new ProcessGoneError(this.pid, false, stat.error);
      return this.end({ reason: 'exited', message: `process ${this.pid} exited` });
    }
    const observations = this.observer && sample.process.threads.ok ? this.observer.finish({ tMonoMs: sample.tMonoMs, threads: sample.process.threads.value }) : null;
    const machine = this.machineWatch?.mark(sample.tMonoMs) ?? null;
    const model = { ...buildModel(this.previous, sample, this.host, observations), machine };
    this.observer = sample.process.threads.ok ? new IntervalObserver(this.pid, this.host, { tMonoMs: sample.tMonoMs, threads: sample.process.threads.value }, this.options.observeRate) : null;
    if (model.pidReused) {
      return this.end({ reason: 'pid-reused', message: `pid ${this.pid} now belongs to a different process (its start time changed); showing the last sample of the old one` });
    }
    const diagnosis = this.diagnoseModel(model);
    this.previous = sample;
    this.last = { diagnosis, sample, ended: null };
    if (big && this.options.light) collectGarbage();
    return this.last;
  }

  /** Threads at the last sample, or listed now before the first. */
  private threadCount(): number {
    if (this.previous?.process.threads.ok) return this.previous.process.threads.value.length;
    return countTasks(this.fs, this.pid);
  }

  /** One look at the threads between samples (what decides their state and wait); false when there is nothing to look at. */
  observe(): boolean {
    if (this.last.ended || this.observer === null) return false;
    const t0 = monotonicMs();
    const seen = this.observer.look(this.fs, t0);
    this.fs.sweep?.();
    this.lastLookMs = monotonicMs() - t0;
    // A huge process's own looks already take the interval's budget: its culprits come from the counters alone.
    if (this.threadCount() <= BIG_PROCESS_THREADS) this.machineWatch?.maybeLook(monotonicMs());
    return seen;
  }

  /** When the next look is due after the last one, by the session's rate; Infinity when there is nothing to look at. */
  lookDelayMs(): number {
    return this.observer && !this.last.ended ? this.observer.nextDelayMs(this.lastLookMs) : Infinity;
  }

  /**
   * Look at the threads until `durationMs` after the last sample began, as often as the rate
   * allows, so that the next `step()` comes one interval after it (a huge process's sample may
   * itself take a good part of the interval); the next step diagnoses the interval from these
   * looks. Resolves early when `signal` aborts.
   */
  async observeFor(durationMs: number, signal?: AbortSignal): Promise<void> {
    const until = (this.previous?.tMonoMs ?? monotonicMs()) + durationMs;
    let delay = 0;
    for (;;) {
      const before = monotonicMs();
      if (before + delay >= until || signal?.aborted) break;
      await sleep(delay, undefined, signal ? { signal } : {}).catch(() => undefined);
      if (signal?.aborted) break;
      const t0 = monotonicMs();
      if (!this.observe()) break;
      // The rate follows the cost of a look at the process; the machine-wide looks keep their own.
      delay = this.observer?.nextDelayMs(this.lastLookMs) ?? 1000;
      delay = Math.max(0, delay - (monotonicMs() - t0 - this.lastLookMs));
    }
    const left = until - monotonicMs();
    if (left > 0 && !signal?.aborted) await sleep(left, undefined, signal ? { signal } : {}).catch(() => undefined);
  }

  /** Files and fds kept for the machine-wide looks. */
  close(): void {
    this.machineWatch?.close();
  }

  private diagnoseModel(model: Model): Diagnosis {
    return diagnose(model, { mode: 'live', procRoot: this.fs.root, threshold: this.options.threshold });
  }

  private end(ended: SessionEnd): SessionStep {
    this.last = { ...this.last, ended };
    return this.last;
  }
}
