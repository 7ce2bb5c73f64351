import type { RateController } from '../../sample/machine/budget.js';
import { groupWindow } from '../../sample/machine/groups.js';
import type { CgroupPressure, MachineSample, MachineSampler } from '../../sample/machine/types.js';
import { PSI_RESOURCES, type PsiResource } from '../../readers/types.js';
import { intentForKey, type KeyPress } from '../keys.js';
import { ScreenLoop, type DashboardExit } from '../loop.js';
import type { HostInfo } from '../panels/header.js';
import { PSI_HISTORY_LENGTH } from '../panels/pressure.js';
import type { Surface } from '../surface.js';
import { composeTopFrame, initialTopState, isAttachOnly, judgedAvg10, reduceTop, type TopState } from './view.js';

/** A machine capture on screen instead of the live machine: its samples, stepped through with ← →. */
export interface TopReplay {
  readonly samples: readonly MachineSample[];
  readonly dir: string;
  /** Time between samples when playing (p). */
  readonly intervalMs: number;
}

export interface TopDashboardOptions {
  /** Live: the machine sampler (absent in replay). */
  readonly sampler?: MachineSampler;
  readonly replay?: TopReplay;
  readonly surface: Surface;
  readonly rate: RateController;
  /** Whether the rate adapts (no --hz). */
  readonly adaptive: boolean;
  readonly threshold: number;
  /** Samples older than this are dropped from the groups (default 10 s). */
  readonly windowMs?: number;
  /** Live: reads the host once (proc root and os-release); started after the first frame. */
  readonly hostInfo?: () => Promise<HostInfo>;
  /** Coming back from attach: where the user was and what had been sampled. */
  readonly resume?: TopResume;
}

/** What top hands over when it opens attach, and gets back to carry on where it was. */
export interface TopResume {
  readonly state: TopState;
  readonly samples: readonly MachineSample[];
  readonly history: Readonly<Record<PsiResource, readonly (number | null)[]>>;
  readonly cgroups: readonly CgroupPressure[] | null;
  readonly host: HostInfo | null;
  /** A word for the status line (attach could not open). */
  readonly message?: string | null;
}

/** Enter on a process: end the dashboard and attach to it; `resume` brings top back at the same row. */
export type TopExit = { readonly attach: number; readonly resume: TopResume };

/**
 * The whole-machine dashboard's loop: one sample and one frame a tick at the adaptive rate,
 * keys through attach's key table and reducer, the screen through attach's surface.
 */
export class TopDashboard extends ScreenLoop<TopExit> {
  private state: TopState = initialTopState();
  private samples: MachineSample[] = [];
  private cgroups: readonly CgroupPressure[] | null = null;
  private readonly history: Record<PsiResource, (number | null)[]> = { cpu: [], memory: [], io: [], irq: [] };
  private rowKeys: readonly string[] = [];
  private pageSize = 1;
  private selectedPid: number | null = null;
  private message: string | null = null;

  constructor(private readonly options: TopDashboardOptions) {
    super(options.surface);
    const r = options.resume;
    if (r) {
      this.state = r.state;
      this.samples = [...r.samples];
      for (const res of PSI_RESOURCES) this.history[res] = [...r.history[res]];
      this.cgroups = r.cgroups;
      this.host = r.host;
      this.message = r.message ?? null;
    }
  }

  /** Replay: the sample on screen. */
  private index = 0;

  /** Draw the first frame, start sampling; resolves when the user quits or picks a process to attach to. */
  run(): Promise<DashboardExit | TopExit> {
    const { replay } = this.options;
    if (replay) {
      return this.loop(() => {
        this.state = { ...this.state, ui: { ...this.state.ui, paused: true } };
        this.show(replay.samples.length - 1);
        this.render();
      });
    }
    return this.loop(() => {
      this.sample();
      this.render();
      if (!this.host) this.startHostInfo(this.options.hostInfo);
      this.schedule(this.options.rate.intervalMs);
    });
  }

  onKey(key: KeyPress): void {
    // Backspace goes back as Esc does.
    const { replay } = this.options;
    const intent = intentForKey(key.name === 'backspace' ? { name: 'escape' } : key, replay ? 'replay' : 'live');
    if (!intent) return;
    if (intent.type === 'quit') return this.finish({ code: 0 });
    if (replay && intent.type === 'step') {
      this.show(this.index + intent.delta);
      return this.requestRender();
    }
    if (replay && intent.type === 'open' && this.state.ui.overlay === 'none' && this.state.groupKey !== null && this.selectedPid !== null) {
      this.message = `a capture: proctriage triage --replay ${replay.dir} --pid ${this.selectedPid} diagnoses it`;
      return this.requestRender();
    }
    this.message = isAttachOnly(intent) ? `${key.ch ?? ''}: only in attach (Enter on a process opens it)` : null;
    if (intent.type === 'open' && this.state.ui.overlay === 'none' && this.state.groupKey !== null && this.selectedPid !== null) {
      return this.finish({
        attach: this.selectedPid,
        resume: { state: this.state, samples: this.samples, history: this.history, cgroups: this.cgroups, host: this.host },
      });
    }
    const before = this.state.ui.paused;
    this.state = reduceTop(this.state, intent, this.rowKeys, this.pageSize);
    if (before !== this.state.ui.paused) {
      if (this.state.ui.paused) this.clearTimer();
      else if (replay) {
        // Playing from the end starts again at the first sample.
        if (this.index >= replay.samples.length - 1) this.show(0);
        this.schedule(replay.intervalMs);
      } else this.schedule(0);
    }
    this.requestRender();
  }

  /** Replay: put sample `index` on screen, with the window and PSI history up to it. */
  private show(index: number): void {
    const samples = this.options.replay?.samples ?? [];
    this.index = Math.max(0, Math.min(samples.length - 1, index));
    const upTo = samples.slice(0, this.index + 1);
    const newest = upTo[upTo.length - 1];
    const windowMs = this.options.windowMs ?? 10_000;
    this.samples = newest ? upTo.filter((x) => newest.tMonoMs - x.tMonoMs <= windowMs) : [];
    this.cgroups = [...upTo].reverse().find((x) => x.cgroupPressure)?.cgroupPressure ?? null;
    for (const r of PSI_RESOURCES) this.history[r] = upTo.slice(-PSI_HISTORY_LENGTH).map((x) => judgedAvg10(x.pressure, r));
  }

  protected tick(): void {
    if (this.state.ui.paused) return;
    const { replay } = this.options;
    if (replay) {
      this.show(this.index + 1);
      if (this.index >= replay.samples.length - 1) this.state = { ...this.state, ui: { ...this.state.ui, paused: true } };
      else this.schedule(replay.intervalMs);
      this.render();
      return;
    }
    this.sample();
    this.render();
    this.schedule(this.options.rate.intervalMs);
  }

  private sample(): void {
    const { sampler } = this.options;
    if (!sampler) return;
    const s = sampler.sample();
    this.options.rate.record(s.stats.cpuMs);
    const windowMs = this.options.windowMs ?? 10_000;
    this.samples.push(s);
    this.samples = this.samples.filter((x) => s.tMonoMs - x.tMonoMs <= windowMs);
    if (s.cgroupPressure) this.cgroups = s.cgroupPressure;
    for (const r of PSI_RESOURCES) {
      const h = this.history[r];
      h.push(judgedAvg10(s.pressure, r));
      if (h.length > PSI_HISTORY_LENGTH) h.shift();
    }
  }

  protected render(): void {
    if (this.finished) return;
    this.cancelPendingRender();
    const { rate } = this.options;
    const { cols, rows } = this.surface.size();
    const composed = composeTopFrame(
      this.state,
      {
        window: groupWindow(this.samples),
        samples: this.samples,
        cgroups: this.cgroups,
        history: this.history,
        hz: rate.hz,
        adaptive: this.options.adaptive,
        cpuShare: rate.cpuShare,
        budget: rate.budgetShare,
        threshold: this.options.threshold,
        windowSeconds: Math.round((this.options.windowMs ?? 10_000) / 1000),
        host: this.host,
        hostError: this.hostError,
        message: this.message,
        replay: this.options.replay ? { index: this.index, count: this.options.replay.samples.length, dir: this.options.replay.dir, playing: !this.state.ui.paused } : null,
      },
      cols,
      rows,
    );
    this.state = composed.state;
    this.rowKeys = composed.rowKeys;
    this.pageSize = composed.pageSize;
    this.selectedPid = composed.selectedPid;
    this.renders++;
    this.surface.draw(composed.frame);
  }
}
