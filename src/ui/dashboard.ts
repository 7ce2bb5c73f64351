import type { Feed, FeedView } from './feeds.js';
import { intentForKey, type Intent, type KeyPress } from './keys.js';
import { ScreenLoop, type DashboardExit } from './loop.js';
import type { HostInfo } from './panels/header.js';
import type { Row } from './panels/threads.js';
import { initialState, reduce, type UiState } from './state.js';
import type { Surface } from './surface.js';
import { composeFrame } from './view-models.js';

export type { DashboardExit } from './loop.js';

/** attach opened from top: q or Esc end it this way, and top comes back. */
export type BackToTop = { readonly back: true };

/** What a capture started from the dashboard gets: a way to say how far it is, and to be cancelled. */
export interface CaptureControl {
  readonly signal: AbortSignal;
  readonly progress: (what: string) => void;
  /** The process has exited: write the samples still in memory instead of reading it again. */
  readonly exited: boolean;
}

export interface DashboardOptions {
  readonly feed: Feed;
  readonly surface: Surface;
  readonly intervalMs: number;
  /** Live: reads the host once (proc root and os-release); started after the first frame. */
  readonly hostInfo?: () => Promise<HostInfo>;
  readonly userName?: (uid: number) => string | null;
  /**
   * Live: writes a capture of the process and returns its directory (the `c` key). It reports
   * what it is doing through `progress` and stops, leaving nothing, when `signal` aborts.
   */
  readonly capture?: (control: CaptureControl) => Promise<string>;
  /** Replay: the sample to open on. */
  readonly startIndex?: number;
  /** Opened from top: q and Esc (with nothing open) go back to it, Q quits. */
  readonly fromTop?: boolean;
  /**
   * Live: the share of one core the dashboard may use (0.01: 1 %). The sample and the frame come
   * first; the looks between samples get what is left, so a costly sample means fewer looks.
   */
  readonly cpuBudget?: number;
}

/**
 * One loop, one render per tick. Live: a timer samples the process every interval and draws
 * once; keys change the UI state and ask for one coalesced redraw. Views never read /proc:
 * everything drawn comes from the feed's session step.
 */
export class Dashboard extends ScreenLoop<BackToTop> {
  private ui: UiState;
  private rows: readonly Row[] = [];
  private pageSize = 1;
  private message: string | null = null;
  /** Live: when the next full sample is due (looks fill the time before it). */
  private nextSampleAt = 0;
  /** Live: CPU the last sample and its frame cost, ms (what the budget leaves the looks). */
  private sampleCpuMs = 0;
  /** Live: CPU the last look cost, ms. */
  private lookCpuMs = 0;
  /** The capture being written, while it is. */
  private capturing: AbortController | null = null;

  constructor(private readonly options: DashboardOptions) {
    super(options.surface);
    const { feed } = options;
    this.ui =
      feed.mode === 'replay'
        ? initialState({ replayIndex: options.startIndex ?? feed.sampleCount - 1, paused: true })
        : initialState();
  }

  /** Draw the first frame, start the loop; resolves when the user quits (or a signal or error ends it). */
  run(): Promise<DashboardExit | BackToTop> {
    return this.loop(() => {
      this.render();
      if (this.options.feed.mode !== 'live') return;
      this.startHostInfo(this.options.hostInfo);
      const feed = this.options.feed;
      this.nextSampleAt = performance.now() + this.options.intervalMs;
      this.schedule(feed.mode === 'live' ? Math.min(this.options.intervalMs, feed.lookDelayMs()) : this.options.intervalMs);
    });
  }

  /** Apply one key as the terminal would deliver it (also the tests' entry point). */
  onKey(key: KeyPress): void {
    const intent = intentForKey(key, this.options.feed.mode);
    if (!intent) return;
    this.apply(intent);
  }

  private apply(intent: Intent): void {
    const { feed } = this.options;
    if (intent.type === 'quit') {
      this.capturing?.abort();
      return this.finish(this.options.fromTop && !intent.all ? { back: true } : { code: 0 });
    }
    // From top, Esc with nothing open (and no capture to cancel) goes back as q does.
    if (intent.type === 'close' && this.options.fromTop && !this.capturing && this.ui.overlay === 'none') return this.finish({ back: true });
    // While a capture is written, c or Esc cancels it (and does nothing else); Esc first closes
    // a window opened over the dashboard (the help, the tree), the nearest thing it can close.
    if (this.capturing && (intent.type === 'capture' || (intent.type === 'close' && this.ui.overlay === 'none'))) {
      this.capturing.abort();
      this.requestRender();
      return;
    }
    if (!this.capturing) this.message = null;
    if (intent.type === 'capture') this.capture();
    const before = this.ui;
    this.ui = reduce(this.ui, intent, { rowKeys: this.rows.map((r) => r.key), pageSize: this.pageSize, sampleCount: feed.sampleCount });
    if (intent.type === 'pause' && before.paused !== this.ui.paused) this.onPauseChanged();
    this.requestRender();
  }

  private onPauseChanged(): void {
    const { feed, intervalMs } = this.options;
    if (this.ui.paused) {
      this.clearTimer();
      return;
    }
    if (feed.mode === 'replay' && this.ui.replayIndex >= feed.sampleCount - 1) this.ui = { ...this.ui, replayIndex: 0 };
    if (feed.mode === 'live') this.schedule(0);
    else this.schedule(intervalMs);
  }

  private capture(): void {
    const { feed, capture } = this.options;
    if (feed.mode === 'replay') {
      this.message = 'this is already a capture';
      return;
    }
    if (!capture) {
      this.message = 'capture is not available here';
      return;
    }
    const controller = new AbortController();
    this.capturing = controller;
    const what = feed.ended ? `the last samples of pid ${feed.pid} (it has exited)` : `pid ${feed.pid}`;
    this.message = `capturing ${what}… — c or Esc cancels`;
    capture({ signal: controller.signal, exited: feed.ended, progress: (done) => this.say(`capturing ${what}: ${done} — c or Esc cancels`) }).then(
      (dir) => this.say(`capture written to ${dir} — replay: proctriage replay ${dir}`),
      (err: unknown) => this.say(controller.signal.aborted ? 'capture cancelled: nothing was written' : `capture failed: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => {
      if (this.capturing === controller) this.capturing = null;
    });
  }

  private say(message: string): void {
    if (this.finished) return;
    this.message = message;
    this.requestRender();
  }

  /** Live: sample then draw. Replay while playing: next sample then draw. */
  protected tick(): void {
    const { feed, intervalMs } = this.options;
    if (feed.mode === 'live') {
      if (this.ui.paused || feed.ended) return;
      const now = performance.now();
      if (now >= this.nextSampleAt) {
        const selected = /^t:(\d+)$/.exec(this.ui.selectedKey ?? '');
        feed.focus(selected ? Number(selected[1]) : null);
        const cpu0 = process.cpuUsage();
        feed.sample();
        this.render();
        this.sampleCpuMs = cpuMs(process.cpuUsage(cpu0));
        // Keep a steady cadence: the next sample is due one interval after this one started.
        this.nextSampleAt = (this.nextSampleAt === 0 ? now : this.nextSampleAt) + intervalMs;
        if (this.nextSampleAt < now) this.nextSampleAt = now + intervalMs;
      } else {
        // Between samples, a look at what each thread is doing: the interval's time shares.
        const cpu0 = process.cpuUsage();
        feed.look();
        this.lookCpuMs = cpuMs(process.cpuUsage(cpu0));
      }
      if (feed.ended) return;
      const lookAt = performance.now() + Math.max(feed.lookDelayMs(), this.lookSpacingMs());
      this.schedule(Math.max(0, Math.min(this.nextSampleAt, lookAt < this.nextSampleAt - 5 ? lookAt : this.nextSampleAt) - performance.now()));
      return;
    }
    if (this.ui.paused) return;
    const last = feed.sampleCount - 1;
    this.ui = { ...this.ui, replayIndex: Math.min(last, this.ui.replayIndex + 1) };
    if (this.ui.replayIndex >= last) this.ui = { ...this.ui, paused: true };
    else this.schedule(intervalMs);
    this.render();
  }

  /** Looks spread evenly over the interval, as many as the CPU budget leaves after the sample and its frame (none when it leaves nothing). */
  private lookSpacingMs(): number {
    const { cpuBudget, intervalMs } = this.options;
    if (cpuBudget === undefined || this.lookCpuMs <= 0) return 0;
    const left = cpuBudget * intervalMs - this.sampleCpuMs;
    const looks = Math.floor(left / this.lookCpuMs);
    return looks < 1 ? Infinity : intervalMs / (looks + 1);
  }

  private view(): FeedView {
    const { feed } = this.options;
    return feed.mode === 'live' ? feed.view() : feed.view(this.ui.replayIndex);
  }

  protected render(): void {
    if (this.finished) return;
    this.cancelPendingRender();
    const { feed, surface, intervalMs, userName } = this.options;
    const { step, psi, shares } = this.view();
    const diagnosis = step.diagnosis;
    if (!diagnosis) return;
    const { cols, rows } = surface.size();
    const uid = diagnosis.process.uid;
    const composed = composeFrame({
      mode: feed.mode,
      cols,
      rows,
      diagnosis,
      sample: step.sample,
      ended: step.ended,
      psi,
      shares,
      display: surface.display,
      fromTop: this.options.fromTop ?? false,
      ui: this.ui,
      message: this.message,
      header: {
        intervalMs,
        host: this.host,
        hostError: this.hostError,
        userName: feed.mode === 'live' && uid !== null && userName ? userName(uid) : null,
        replay: feed.mode === 'replay' ? feed.position(this.ui.replayIndex, !this.ui.paused) : null,
      },
    });
    this.ui = composed.ui;
    this.rows = composed.rows;
    this.pageSize = composed.pageSize;
    this.renders++;
    surface.draw(composed.frame);
  }
}

function cpuMs(used: NodeJS.CpuUsage): number {
  return (used.user + used.system) / 1000;
}
