import type { Feed, FeedView } from './feeds.js';
import { intentForKey, type Intent, type KeyPress } from './keys.js';
import type { HostInfo } from './panels/header.js';
import type { Row } from './panels/threads.js';
import { initialState, reduce, type UiState } from './state.js';
import type { Surface } from './surface.js';
import { composeFrame } from './view-models.js';

export interface DashboardOptions {
  readonly feed: Feed;
  readonly surface: Surface;
  readonly intervalMs: number;
  /** Live: reads the host once (systeminformation); started after the first frame. */
  readonly hostInfo?: () => Promise<HostInfo>;
  readonly userName?: (uid: number) => string | null;
  /** Live: writes a capture of the process and returns its directory (the `c` key). */
  readonly capture?: () => Promise<string>;
  /** Replay: the sample to open on. */
  readonly startIndex?: number;
}

/** How a run ended: a key (0), a signal (128 + n), or an error to report after the terminal is back. */
export type DashboardExit = { readonly code: number } | { readonly error: unknown };

const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * One loop, one render per tick. Live: a timer samples the process every interval and draws
 * once; keys change the UI state and ask for one coalesced redraw. Views never read /proc:
 * everything drawn comes from the feed's session step.
 */
export class Dashboard {
  private ui: UiState;
  private rows: readonly Row[] = [];
  private pageSize = 1;
  private host: HostInfo | null = null;
  private hostError: string | null = null;
  private message: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private renderPending: NodeJS.Immediate | null = null;
  private finished = false;
  private settle: (exit: DashboardExit) => void = () => {};
  private readonly cleanups: (() => void)[] = [];
  /** Frames drawn so far (one per tick, plus one per burst of keys). */
  renders = 0;

  constructor(private readonly options: DashboardOptions) {
    const { feed } = options;
    this.ui =
      feed.mode === 'replay'
        ? initialState({ replayIndex: options.startIndex ?? feed.sampleCount - 1, paused: true })
        : initialState();
  }

  /** Draw the first frame, start the loop; resolves when the user quits (or a signal or error ends it). */
  run(): Promise<DashboardExit> {
    const done = new Promise<DashboardExit>((resolve) => (this.settle = resolve));
    const { surface } = this.options;
    surface.onKey((key) => this.guard(() => this.onKey(key)));
    surface.onResize(() => this.guard(() => this.requestRender()));
    this.installProcessGuards();
    this.guard(() => {
      this.render();
      this.startHostInfo();
      if (this.options.feed.mode === 'live') this.schedule(this.options.intervalMs);
    });
    return done;
  }

  /** Apply one key as the terminal would deliver it (also the tests' entry point). */
  onKey(key: KeyPress): void {
    const intent = intentForKey(key, this.options.feed.mode);
    if (!intent) return;
    this.apply(intent);
  }

  private apply(intent: Intent): void {
    const { feed } = this.options;
    if (intent.type === 'quit') return this.finish({ code: 0 });
    this.message = null;
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
    if (feed.ended) {
      this.message = 'the process is gone: nothing left to capture';
      return;
    }
    if (!capture) {
      this.message = 'capture is not available here';
      return;
    }
    this.message = `capturing pid ${feed.pid}…`;
    capture().then(
      (dir) => this.say(`capture written to ${dir} — replay: proctriage replay ${dir}`),
      (err: unknown) => this.say(`capture failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private say(message: string): void {
    if (this.finished) return;
    this.message = message;
    this.requestRender();
  }

  private startHostInfo(): void {
    const read = this.options.hostInfo;
    if (!read || this.options.feed.mode !== 'live') return;
    read().then(
      (h) => {
        this.host = h;
        if (!this.finished) this.requestRender();
      },
      (err: unknown) => {
        this.hostError = `unknown (${err instanceof Error ? err.message : String(err)})`;
        if (!this.finished) this.requestRender();
      },
    );
  }

  /** Live: sample then draw. Replay while playing: next sample then draw. */
  private tick(): void {
    this.timer = null;
    const { feed, intervalMs } = this.options;
    if (feed.mode === 'live') {
      if (this.ui.paused || feed.ended) return;
      const started = performance.now();
      const selected = /^t:(\d+)$/.exec(this.ui.selectedKey ?? '');
      feed.focus(selected ? Number(selected[1]) : null);
      feed.sample();
      this.render();
      // Keep a steady cadence: the next sample is due one interval after this one started.
      if (!feed.ended) this.schedule(Math.max(0, intervalMs - (performance.now() - started)));
      return;
    }
    if (this.ui.paused) return;
    const last = feed.sampleCount - 1;
    this.ui = { ...this.ui, replayIndex: Math.min(last, this.ui.replayIndex + 1) };
    if (this.ui.replayIndex >= last) this.ui = { ...this.ui, paused: true };
    else this.schedule(intervalMs);
    this.render();
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (this.finished) return;
    this.timer = setTimeout(() => this.guard(() => this.tick()), delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private requestRender(): void {
    if (this.renderPending || this.finished) return;
    this.renderPending = setImmediate(() => {
      this.renderPending = null;
      this.guard(() => this.render());
    });
  }

  private view(): FeedView {
    const { feed } = this.options;
    return feed.mode === 'live' ? feed.view() : feed.view(this.ui.replayIndex);
  }

  private render(): void {
    if (this.finished) return;
    if (this.renderPending) {
      clearImmediate(this.renderPending);
      this.renderPending = null;
    }
    const { feed, surface, intervalMs, userName } = this.options;
    const { step, psi } = this.view();
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

  /** Run a callback; any exception ends the dashboard (terminal restored first), never a half-drawn screen. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.finish({ error });
    }
  }

  private installProcessGuards(): void {
    const on = (event: string, handler: (...args: unknown[]) => void) => {
      process.on(event, handler);
      this.cleanups.push(() => process.removeListener(event, handler));
    };
    for (const [signal, code] of Object.entries(SIGNAL_CODES)) on(signal, () => this.finish({ code }));
    // Our listeners also keep blessed's own (exit 1 with a stack, or exit 0) from running.
    on('uncaughtException', (error) => this.finish({ error }));
    on('unhandledRejection', (error) => this.finish({ error }));
    on('exit', () => this.options.surface.destroy());
  }

  /** Stop everything and restore the terminal; the first call wins. */
  finish(exit: DashboardExit): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    if (this.renderPending) clearImmediate(this.renderPending);
    this.renderPending = null;
    try {
      this.options.surface.destroy();
    } finally {
      for (const c of this.cleanups.splice(0)) c();
      this.settle(exit);
    }
  }
}
