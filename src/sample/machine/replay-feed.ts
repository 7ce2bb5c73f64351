import { judgedAvg10 } from '../../kernel/psi.js';
import { PSI_RESOURCES, type PsiResource } from '../../readers/types.js';
import { PSI_HISTORY_LENGTH } from './feed.js';
import type { CgroupPressure, MachineSample } from './types.js';

/**
 * A machine capture played as a feed: what a live MachineFeed gives its subscribers (the window,
 * the PSI history, the cgroups' pressure), up to the sample on screen. It starts paused at the
 * last sample; ← → step, `p` plays at the capture's own spacing (from the first sample when at
 * the end). It never samples: a replay's cost is drawing only.
 */
export class MachineReplayFeed {
  private index: number;
  private timer: NodeJS.Timeout | null = null;
  private playing = false;
  private readonly listeners = new Set<() => void>();
  private windowNow: readonly MachineSample[] = [];
  private historyNow: Record<PsiResource, (number | null)[]> = { cpu: [], memory: [], io: [], irq: [] };
  private cgroupsNow: readonly CgroupPressure[] | null = null;
  /** A replay cannot fail after its capture loaded: never rejects. */
  readonly done: Promise<void> = new Promise<void>(() => undefined);
  /** Nothing is sampled: the rate a live feed would show, as a fixed rate that costs nothing. */
  readonly rate: { readonly hz: number; readonly cpuShare: number; readonly budgetShare: number };

  constructor(
    readonly samples: readonly MachineSample[],
    private readonly options: { readonly windowMs: number; readonly intervalMs: number },
  ) {
    this.index = Math.max(0, samples.length - 1);
    this.rate = { hz: 1000 / options.intervalMs, cpuShare: 0, budgetShare: 0 };
    this.show(this.index);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Show the last sample (paused). */
  start(): void {
    this.notify();
  }

  pause(): void {
    this.playing = false;
    this.clearTimer();
  }

  /** Play on from here; from the first sample when at the end. */
  resume(): void {
    if (this.index >= this.samples.length - 1) this.show(0);
    this.playing = true;
    this.notify();
    this.schedule();
  }

  stop(): void {
    this.pause();
  }

  get paused(): boolean {
    return !this.playing;
  }

  step(delta: number): void {
    this.show(this.index + delta);
    this.notify();
  }

  get position(): { readonly index: number; readonly count: number } {
    return { index: this.index, count: this.samples.length };
  }

  get window(): readonly MachineSample[] {
    return this.windowNow;
  }

  get psiHistory(): Readonly<Record<PsiResource, readonly (number | null)[]>> {
    return this.historyNow;
  }

  get cgroups(): readonly CgroupPressure[] | null {
    return this.cgroupsNow;
  }

  private show(index: number): void {
    this.index = Math.max(0, Math.min(this.samples.length - 1, index));
    const upTo = this.samples.slice(0, this.index + 1);
    const newest = upTo[upTo.length - 1];
    this.windowNow = newest ? upTo.filter((x) => newest.tMonoMs - x.tMonoMs <= this.options.windowMs) : [];
    this.cgroupsNow = [...upTo].reverse().find((x) => x.cgroupPressure)?.cgroupPressure ?? null;
    const recent = upTo.slice(-PSI_HISTORY_LENGTH);
    const history: Record<PsiResource, (number | null)[]> = { cpu: [], memory: [], io: [], irq: [] };
    for (const r of PSI_RESOURCES) history[r] = recent.map((x) => (x.pressure[r].ok ? judgedAvg10(x.pressure[r].value) : null));
    this.historyNow = history;
  }

  private schedule(): void {
    this.clearTimer();
    if (!this.playing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.show(this.index + 1);
      if (this.index >= this.samples.length - 1) this.playing = false;
      this.notify();
      this.schedule();
    }, this.options.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
