import type { MachineFeed } from '../../sample/machine/feed.js';
import { groupWindow } from '../../sample/machine/groups.js';
import { intentForKey, type KeyPress } from '../keys.js';
import { ScreenLoop, type DashboardExit } from '../loop.js';
import type { HostInfo } from '../panels/header.js';
import type { Surface } from '../surface.js';
import { composeTopFrame, initialTopState, isAttachOnly, reduceTop, type TopState } from './view.js';

/** The window of samples the groups are averaged over (the feed's `windowMs`). */
export const TOP_WINDOW_MS = 10_000;

export interface TopDashboardOptions {
  /** The machine feed: the dashboard subscribes, starts it, and pauses it on `p`. */
  readonly feed: MachineFeed;
  readonly surface: Surface;
  /** Whether the rate adapts (no --hz). */
  readonly adaptive: boolean;
  readonly threshold: number;
  /** Live: reads the host once (proc root and os-release); started after the first frame. */
  readonly hostInfo?: () => Promise<HostInfo>;
}

/** Enter on a process: end the dashboard and attach to it. */
export type TopExit = { readonly attach: number };

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
  }

  /** Draw the first frame, start sampling; resolves when the user quits or picks a process to attach to. */
  run(): Promise<DashboardExit | TopExit> {
    return this.loop(() => {
      // The first frame is drawn with the first sample; later ones right after their sample,
      // outside the tick, so that drawing does not count as sampling against the budget.
      const { feed } = this.options;
      this.unsubscribe = feed.subscribe(() => this.guard(() => (this.renders === 0 ? this.render() : this.requestRender())));
      feed.done.catch((error: unknown) => this.finish({ error }));
      feed.start();
      this.startHostInfo(this.options.hostInfo);
    });
  }

  override finish(exit: DashboardExit | TopExit): void {
    this.unsubscribe?.();
    super.finish(exit);
  }

  onKey(key: KeyPress): void {
    // Backspace goes back as Esc does.
    const intent = intentForKey(key.name === 'backspace' ? { name: 'escape' } : key, 'live');
    if (!intent) return;
    if (intent.type === 'quit') return this.finish({ code: 0 });
    this.message = isAttachOnly(intent) ? `${key.ch ?? ''}: only in attach (Enter on a process opens it)` : null;
    if (intent.type === 'open' && this.state.ui.overlay === 'none' && this.state.groupKey !== null && this.selectedPid !== null) {
      return this.finish({ attach: this.selectedPid });
    }
    const before = this.state.ui.paused;
    this.state = reduceTop(this.state, intent, this.rowKeys, this.pageSize);
    if (before !== this.state.ui.paused) {
      if (this.state.ui.paused) this.options.feed.pause();
      else this.options.feed.resume();
    }
    this.requestRender();
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
