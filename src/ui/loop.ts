import type { KeyPress } from './keys.js';
import type { HostInfo } from './panels/header.js';
import type { Surface } from './surface.js';

/** How a run ended: a key (0), a signal (128 + n), or an error to report after the terminal is back. */
export type DashboardExit = { readonly code: number } | { readonly error: unknown };

const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * What every full-screen view shares (attach's dashboard, top): one timer, renders coalesced
 * to one per burst of keys, any exception ending the run with the terminal restored first,
 * SIGINT/SIGTERM/SIGHUP ending it cleanly, and the host read once after the first frame.
 * `Extra` is a way to end besides a code or an error (top: attach to a pid).
 */
export abstract class ScreenLoop<Extra = never> {
  private timer: NodeJS.Timeout | null = null;
  private renderPending: NodeJS.Immediate | null = null;
  private settle: (exit: DashboardExit | Extra) => void = () => {};
  private readonly cleanups: (() => void)[] = [];
  protected finished = false;
  /** The host (null until it has been read, after the first frame, or without one). */
  protected host: HostInfo | null = null;
  protected hostError: string | null = null;
  /** Frames drawn so far (one per tick, plus one per burst of keys). */
  renders = 0;

  constructor(protected readonly surface: Surface) {}

  /** Apply one key as the terminal would deliver it (also the tests' entry point). */
  abstract onKey(key: KeyPress): void;
  /** Draw one frame now. */
  protected abstract render(): void;
  /** The timer fired. */
  protected abstract tick(): void;

  /** Listen to keys, resizes and signals, run `first` (draw, schedule); resolves when the run ends. */
  protected loop(first: () => void): Promise<DashboardExit | Extra> {
    const done = new Promise<DashboardExit | Extra>((resolve) => (this.settle = resolve));
    this.surface.onKey((key) => this.guard(() => this.onKey(key)));
    this.surface.onResize(() => this.guard(() => this.requestRender()));
    this.installProcessGuards();
    this.guard(first);
    return done;
  }

  protected schedule(delayMs: number): void {
    this.clearTimer();
    if (this.finished) return;
    this.timer = setTimeout(() => this.guard(() => this.tick()), delayMs);
  }

  protected clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  protected requestRender(): void {
    if (this.renderPending || this.finished) return;
    this.renderPending = setImmediate(() => {
      this.renderPending = null;
      this.guard(() => this.render());
    });
  }

  /** A render drawn now makes a pending one moot. */
  protected cancelPendingRender(): void {
    if (this.renderPending) clearImmediate(this.renderPending);
    this.renderPending = null;
  }

  /** Read the host once, after the first frame; redraw when it is known (or failed). */
  protected startHostInfo(read: (() => Promise<HostInfo>) | undefined): void {
    if (!read) return;
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

  /** Run a callback; any exception ends the run (terminal restored first), never a half-drawn screen. */
  protected guard(fn: () => void): void {
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
    on('exit', () => this.surface.destroy());
  }

  /** Stop everything and restore the terminal; the first call wins. */
  finish(exit: DashboardExit | Extra): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.cancelPendingRender();
    try {
      this.surface.destroy();
    } finally {
      for (const c of this.cleanups.splice(0)) c();
      this.settle(exit);
    }
  }
}
