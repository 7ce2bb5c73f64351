import type { Rect } from '../../../src/ui/layout.js';
import { plainText, type Line, type PanelModel } from '../../../src/ui/text.js';
import type { KeyPress } from '../../../src/ui/keys.js';
import type { ScreenFrame, Surface } from '../../../src/ui/surface.js';
import type { Display } from '../../../src/ui/charts/model.js';

/** Draw a frame as the terminal would show it, in plain text with box lines: what a test "sees". */
export function frameToText(frame: ScreenFrame, cols: number, rows: number): string {
  const grid: string[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => ' '));
  const put = (r: number, c: number, s: string) => {
    for (let i = 0; i < s.length && c + i < cols; i++) if (r >= 0 && r < rows && c + i >= 0) grid[r]![c + i] = s[i]!;
  };
  const lines = (rect: Rect, ls: readonly Line[], inset: number) =>
    ls.slice(0, rect.height - 2 * inset).forEach((l, i) => put(rect.top + inset + i, rect.left + inset, plainText(l).slice(0, rect.width - 2 * inset)));
  const panel = (rect: Rect, p: PanelModel) => {
    for (let r = rect.top; r < rect.top + rect.height; r++) put(r, rect.left, ' '.repeat(rect.width));
    put(rect.top, rect.left, `┌${'─'.repeat(rect.width - 2)}┐`);
    put(rect.top + rect.height - 1, rect.left, `└${'─'.repeat(rect.width - 2)}┘`);
    for (let r = rect.top + 1; r < rect.top + rect.height - 1; r++) {
      put(r, rect.left, '│');
      put(r, rect.left + rect.width - 1, '│');
    }
    // As blessed draws a label: after `┌─`, a space each side.
    put(rect.top, rect.left + 2, ` ${p.title} `);
    lines(rect, p.lines, 1);
  };
  if (frame.kind === 'too-small') {
    lines({ top: 0, left: 0, width: cols, height: rows }, frame.lines, 0);
  } else {
    const { layout } = frame;
    lines(layout.header, frame.header, 0);
    if (layout.verdict && frame.verdict) lines(layout.verdict, frame.verdict, 0);
    lines(layout.status, [frame.status], 0);
    for (const [id, rect] of Object.entries(layout.panels)) {
      const p = frame.panels[id];
      if (p) panel(rect, p);
    }
    // Charts as their text rendering (what NO_COLOR or LANG=C shows; the tmux tests see the drawn ones).
    for (const c of frame.charts ?? []) panel(c.rect, c.panel);
    if (frame.overlay) panel(layout.body, frame.overlay);
  }
  return grid.map((r) => r.join('').trimEnd()).join('\n');
}

/** A Surface that keeps the frames drawn, for driving the dashboard without a terminal. */
export class RecordingSurface implements Surface {
  frames: ScreenFrame[] = [];
  destroyed = 0;
  private keyHandler: ((k: KeyPress) => void) | null = null;
  private resizeHandler: (() => void) | null = null;
  constructor(
    public cols = 120,
    public rows = 40,
    public display: Display = { colors: true, unicode: true },
  ) {}
  size() {
    return { cols: this.cols, rows: this.rows };
  }
  draw(frame: ScreenFrame) {
    this.frames.push(frame);
  }
  onKey(h: (k: KeyPress) => void) {
    this.keyHandler = h;
  }
  onResize(h: () => void) {
    this.resizeHandler = h;
  }
  destroy() {
    this.destroyed++;
  }
  press(k: KeyPress) {
    this.keyHandler?.(k);
  }
  /** Press a key, let the coalesced redraw happen, and read the screen. */
  async pressAndRead(k: KeyPress): Promise<string> {
    this.press(k);
    await new Promise<void>((r) => setImmediate(r));
    return this.text();
  }
  resize(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
    this.resizeHandler?.();
  }
  text(): string {
    const f = this.frames[this.frames.length - 1];
    return f ? frameToText(f, this.cols, this.rows) : '';
  }
}
