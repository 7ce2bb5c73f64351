import type { PsiResource } from '../../readers/types.js';
import type { RateController } from '../../sample/machine/budget.js';
import { groupWindow } from '../../sample/machine/groups.js';
import type { MachineReplayFeed } from '../../sample/machine/replay-feed.js';
import type { CgroupPressure, MachineSample } from '../../sample/machine/types.js';
import { intentForKey, type KeyPress } from '../keys.js';
import { ScreenLoop, type DashboardExit } from '../loop.js';
import type { HostInfo } from '../panels/header.js';
import type { Surface } from '../surface.js';
import { composeTopFrame, initialTopState, isAttachOnly, reduceTop, type TopState } from './view.js';

/** The window of samples the groups are averaged over (the feed's `windowMs`). */
export const TOP_WINDOW_MS = 10_000;

/**
 * What the dashboard draws from: the live MachineFeed (which owns the rate, the window and the
 * PSI history) or a machine capture played as one (MachineReplayFeed).
 */
export interface TopFeed {
  readonly window: readonly MachineSample[];
  readonly cgroups: readonly CgroupPressure[] | null;
  readonly psiHistory: Readonly<Record<PsiResource, readonly (number | null)[]>>;
  readonly rate: Pick<RateController, 'hz' | 'cpuShare' | 'budgetShare'>;
  readonly paused: boolean;
  readonly done: Promise<void>;
  subscribe(listener: () => void): () => void;
  start(): void;
  pause(): void;
  resume(): void;
}

/** A machine capture on screen instead of the live machine. */
export interface TopReplay {
  readonly feed: MachineReplayFeed;
  readonly dir: string;
}

export interface TopDashboardOptions {
  /** The machine feed: the dashboard subscribes, starts it (or resumes it, back from attach), and pauses it on `p`. */
  readonly feed: TopFeed;
  /** Set when the feed plays a machine capture: ← → step through it, Enter says how to diagnose a process. */
  readonly replay?: TopReplay;
  readonly surface: Surface;
  /** Whether the rate adapts (no --hz). */
  readonly adaptive: boolean;
  readonly threshold: number;
  /** Live: reads the host once (proc root and os-release); started after the first frame. */
  readonly hostInfo?: () => Promise<HostInfo>;
  /** Coming back from attach: where the user was and what had been sampled. */
  readonly resume?: TopResume;
}

/** What top hands over when it opens attach, and gets back to carry on where it was (the samples and the PSI history stay in the feed). */
export interface TopResume {
  readonly state: TopState;
  readonly host: HostInfo | null;
  /** A word for the status line (attach could not open). */
  readonly message?: string | null;
}

/** Enter on a process: end the dashboard and attach to it; `resume` brings top back at the same row. */
export type TopExit = { readonly attach: number; readonly resume: TopResume };

/**
 * The whole-machine dashboard: a frame after each sample of the machine feed (which owns the
 * rate, the window and the PSI history), keys through attach's key table and reducer, the
 * screen through attach's surface.
 */
export class TopDashboard extends ScreenLoop<TopExit> {
  private state: TopState = initialTopState();
  private unsubscribe: (() => void) | null = null;
  private rowKeys: readonly string[] = [];
  private pageSize = 1;
  private selectedPid: number | null = null;
  private message: string | null = null;

  constructor(private readonly options: TopDashboardOptions) {
    super(options.surface);
    const r = options.resume;
    if (r) {
      this.state = r.state;
      this.host = r.host;
      this.message = r.message ?? null;
    }
  }

  /** Draw the first frame, start sampling; resolves when the user quits or picks a process to attach to. */
  run(): Promise<DashboardExit | TopExit> {
    return this.loop(() => {
      // The first frame is drawn with the first sample; later ones right after their sample,
      // outside the tick, so that drawing does not count as sampling against the budget.
      const { feed } = this.options;
      if (this.options.replay) this.state = { ...this.state, ui: { ...this.state.ui, paused: true } };
      this.unsubscribe = feed.subscribe(() => this.guard(() => this.onSample()));
      feed.done.catch((error: unknown) => this.finish({ error }));
      // Back from attach the feed was paused (its window and history kept): it samples at once.
      if (feed.paused && !this.options.replay) feed.resume();
      else feed.start();
      if (!this.host) this.startHostInfo(this.options.hostInfo);
    });
  }

  override finish(exit: DashboardExit | TopExit): void {
    this.unsubscribe?.();
    super.finish(exit);
  }

  onKey(key: KeyPress): void {
    // Backspace goes back as Esc does.
    const { replay } = this.options;
    const intent = intentForKey(key.name === 'backspace' ? { name: 'escape' } : key, replay ? 'replay' : 'live');
    if (!intent) return;
    if (intent.type === 'quit') return this.finish({ code: 0 });
    if (replay && intent.type === 'step') return replay.feed.step(intent.delta);
    if (replay && intent.type === 'open' && this.state.ui.overlay === 'none' && this.state.groupKey !== null && this.selectedPid !== null) {
      this.message = `a capture: proctriage triage --replay ${replay.dir} --pid ${this.selectedPid} diagnoses it`;
      return this.requestRender();
    }
    this.message = isAttachOnly(intent) ? `${key.ch ?? ''}: only in attach (Enter on a process opens it)` : null;
    if (intent.type === 'open' && this.state.ui.overlay === 'none' && this.state.groupKey !== null && this.selectedPid !== null) {
      return this.finish({
        attach: this.selectedPid,
        resume: { state: this.state, host: this.host },
      });
    }
    const before = this.state.ui.paused;
    this.state = reduceTop(this.state, intent, this.rowKeys, this.pageSize);
    if (before !== this.state.ui.paused) {
      if (this.state.ui.paused) this.options.feed.pause();
      else this.options.feed.resume();
    }
    this.requestRender();
  }

  /** A replay that played to its end pauses itself: the frame says so. */
  private onSample(): void {
    const { replay } = this.options;
    if (replay && replay.feed.paused && !this.state.ui.paused) this.state = { ...this.state, ui: { ...this.state.ui, paused: true } };
    if (this.renders === 0) this.render();
    else this.requestRender();
  }

  /** The feed keeps the time; the dashboard has no timer of its own. */
  protected tick(): void {}

  protected render(): void {
    if (this.finished) return;
    this.cancelPendingRender();
    const { feed } = this.options;
    const { rate } = feed;
    const { cols, rows } = this.surface.size();
    const composed = composeTopFrame(
      this.state,
      {
        window: groupWindow(feed.window),
        samples: feed.window,
        cgroups: feed.cgroups,
        history: feed.psiHistory,
        hz: rate.hz,
        adaptive: this.options.adaptive,
        cpuShare: rate.cpuShare,
        budget: rate.budgetShare,
        threshold: this.options.threshold,
        windowSeconds: Math.round(TOP_WINDOW_MS / 1000),
        host: this.host,
        hostError: this.hostError,
        message: this.message,
        replay: this.options.replay ? { ...this.options.replay.feed.position, dir: this.options.replay.dir, playing: !this.state.ui.paused } : null,
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
