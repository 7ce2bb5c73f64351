import { judgedAvg10 } from '../../kernel/psi.js';
import type { ProcFs } from '../../procfs/procfs.js';
import { PSI_RESOURCES, type PsiResource } from '../../readers/types.js';
import type { RateController } from './budget.js';
import type { CgroupPressure, MachineSample, MachineSampler } from './types.js';

/** Points of PSI history kept (the dashboards' sparklines are at most this wide). */
export const PSI_HISTORY_LENGTH = 240;

/** What every subscriber gets after each sample. */
export interface FeedUpdate<W> {
  readonly sample: MachineSample;
  /** The wrapper this sample was read through (`through`: a recorder), or null. */
  readonly through: W;
  /** Samples of the window, oldest first; the new one is last. */
  readonly window: readonly MachineSample[];
  /** Samples taken since the feed started, this one included. */
  readonly count: number;
}

export type FeedListener<W> = (update: FeedUpdate<W>) => void;

export interface MachineFeedOptions<W extends ProcFs | null> {
  readonly sampler: MachineSampler;
  /** The rate (fixed, or as fast as the CPU budget allows): the feed feeds it each tick's cost. */
  readonly rate: RateController;
  /** Samples older than this (ms before the newest) leave the window (default 10 s; 0: the newest only). */
  readonly windowMs?: number;
  /** Stop after this many samples (a `sample --duration` run, a capture); default: run until stopped. */
  readonly maxSamples?: number;
  /** A wrapper of the sampler's ProcFs made for each sample (a recorder); subscribers get it in `through`. */
  readonly through: () => W;
}

/**
 * The whole machine's one sampling loop: `top`, `sample`, `watch`, machine captures and `serve`
 * subscribe to it. It owns the rate (a RateController: fixed, or as fast as a CPU budget allows,
 * fed with what each tick cost — the sample and the subscribers' work on it), the window of
 * samples and the system PSI history. Samples are values: a subscriber may keep any of them.
 * Ticks keep a fixed cadence; a tick that overran its slot skips to the next slot instead of
 * bunching up. A subscriber that throws stops the feed, and `done` rejects with its error.
 */
export class MachineFeed<W extends ProcFs | null = null> {
  private readonly listeners = new Set<FeedListener<W>>();
  private samples: MachineSample[] = [];
  private readonly history: Record<PsiResource, (number | null)[]> = { cpu: [], memory: [], io: [], irq: [] };
  private cgroupsSeen: readonly CgroupPressure[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dueMs = 0;
  private taken = 0;
  private cpuMsTotal = 0;
  private state: 'idle' | 'running' | 'paused' | 'stopped' = 'idle';
  private settle: { resolve: () => void; reject: (err: unknown) => void } | null = null;
  /** Resolves when the feed stops (stop(), or maxSamples reached); rejects with a sampler's or subscriber's error. */
  readonly done: Promise<void>;

  constructor(private readonly options: MachineFeedOptions<W>) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A feed nobody awaits must not turn its error into an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** A feed that reads through the sampler's own ProcFs. */
  static plain(options: Omit<MachineFeedOptions<null>, 'through'>): MachineFeed<null> {
    return new MachineFeed({ ...options, through: () => null });
  }

  subscribe(listener: FeedListener<W>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Take the first sample now, then go on at the rate. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.dueMs = performance.now();
    this.tick();
  }

  /** Run until `maxSamples` are taken (or stop()); the window at the end. */
  async run(): Promise<readonly MachineSample[]> {
    this.start();
    await this.done;
    return this.samples;
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.clearTimer();
  }

  /** Sample again now, then at the rate. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.dueMs = performance.now();
    this.tick();
  }

  stop(): void {
    this.end(null);
  }

  get rate(): RateController {
    return this.options.rate;
  }

  get paused(): boolean {
    return this.state === 'paused';
  }

  get window(): readonly MachineSample[] {
    return this.samples;
  }

  get last(): MachineSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** Samples taken since start. */
  get count(): number {
    return this.taken;
  }

  /** CPU the ticks have used since start (sampling and the subscribers' work on each sample), seconds. */
  get cpuSeconds(): number {
    return this.cpuMsTotal / 1000;
  }

  /** The judged avg10 (`some`; `full` where only it exists) of system PSI per resource, oldest first; null where unreadable. */
  get psiHistory(): Readonly<Record<PsiResource, readonly (number | null)[]>> {
    return this.history;
  }

  /** Top-level cgroup PSI, the latest read (the sampler reads it less often than every sample). */
  get cgroups(): readonly CgroupPressure[] | null {
    return this.cgroupsSeen;
  }

  private tick(): void {
    this.timer = null;
    if (this.state !== 'running') return;
    const cpu0 = process.cpuUsage();
    try {
      const through = this.options.through();
      const sample = this.options.sampler.sample(through ?? undefined);
      this.taken++;
      this.keep(sample);
      const update: FeedUpdate<W> = { sample, through, window: this.samples, count: this.taken };
      for (const listener of [...this.listeners]) listener(update);
    } catch (err) {
      this.end(err);
      return;
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    this.cpuMsTotal += cpuMs;
    this.options.rate.record(cpuMs);
    if (this.options.maxSamples !== undefined && this.taken >= this.options.maxSamples) return this.end(null);
    this.schedule();
  }

  private keep(sample: MachineSample): void {
    const windowMs = this.options.windowMs ?? 10_000;
    // A new array each time: a subscriber may keep the window it was given.
    const kept = this.samples.filter((x) => sample.tMonoMs - x.tMonoMs <= windowMs);
    kept.push(sample);
    this.samples = kept;
    if (sample.cgroupPressure) this.cgroupsSeen = sample.cgroupPressure;
    for (const r of PSI_RESOURCES) {
      const h = this.history[r];
      const p = sample.pressure[r];
      h.push(p.ok ? judgedAvg10(p.value) : null);
      if (h.length > PSI_HISTORY_LENGTH) h.shift();
    }
  }

  /** The next slot of a fixed cadence; slots already past are skipped. */
  private schedule(): void {
    if (this.state !== 'running') return;
    const interval = this.options.rate.intervalMs;
    const now = performance.now();
    this.dueMs += interval;
    if (this.dueMs < now) this.dueMs = now + interval - ((now - this.dueMs) % interval);
    this.timer = setTimeout(() => this.tick(), this.dueMs - now);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private end(err: unknown): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.clearTimer();
    if (err === null) this.settle?.resolve();
    else this.settle?.reject(err);
  }
}
