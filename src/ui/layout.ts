/**
 * The one layout file: terminal size → where each panel goes. Pure, so a resize is a new call
 * and the too-small case is a value, not a broken screen.
 *
 *   header (3 lines, no border)
 *   ┌ PSI ─────────────┐┌ resources ───────┐
 *   ┌ threads ─────────┐┌ selected thread ─┐     wide (≥ 160 columns)
 *   │                  │├ decision tree ───┤
 *   ┌ threads ───────────────────────────┐
 *   ┌ selected thread ─┐┌ decision tree ──┐      narrow
 *   status line (1 line)
 */

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

export const PANEL_IDS = ['pressure', 'resources', 'threads', 'detail', 'tree'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface Layout {
  readonly kind: 'wide' | 'narrow';
  readonly header: Rect;
  readonly status: Rect;
  /** The area below the header and above the status line (overlays cover it). */
  readonly body: Rect;
  readonly panels: Readonly<Record<PanelId, Rect>>;
}

export interface TooSmall {
  readonly kind: 'too-small';
  readonly cols: number;
  readonly rows: number;
  readonly needCols: number;
  readonly needRows: number;
}

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
const HEADER_ROWS = 3;
const WIDE_COLS = 160;

/** Inner size of a bordered panel. */
export function inner(rect: Rect): { width: number; height: number } {
  return { width: Math.max(0, rect.width - 2), height: Math.max(0, rect.height - 2) };
}

export function computeLayout(cols: number, rows: number): Layout | TooSmall {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { kind: 'too-small', cols, rows, needCols: MIN_COLS, needRows: MIN_ROWS };
  const header: Rect = { top: 0, left: 0, width: cols, height: HEADER_ROWS };
  const status: Rect = { top: rows - 1, left: 0, width: cols, height: 1 };
  const bodyTop = HEADER_ROWS;
  const bodyHeight = rows - HEADER_ROWS - 1;
  const body: Rect = { top: bodyTop, left: 0, width: cols, height: bodyHeight };
  // PSI and resources: room for a title row and cpu/memory/io/irq, more on tall screens.
  const band = Math.max(7, Math.min(13, Math.floor(bodyHeight * 0.3)));
  const leftWidth = Math.floor(cols * (cols >= WIDE_COLS ? 0.5 : 0.55));
  const pressure: Rect = { top: bodyTop, left: 0, width: leftWidth, height: band };
  const resources: Rect = { top: bodyTop, left: leftWidth, width: cols - leftWidth, height: band };
  const restTop = bodyTop + band;
  const restHeight = bodyHeight - band;
  const wide = cols >= WIDE_COLS;
  let threads: Rect;
  let detail: Rect;
  let tree: Rect;
  if (wide) {
    // Threads on the left, the selected thread above the tree on the right.
    const threadWidth = Math.floor(cols * 0.6);
    const detailHeight = Math.ceil(restHeight / 2);
    threads = { top: restTop, left: 0, width: threadWidth, height: restHeight };
    detail = { top: restTop, left: threadWidth, width: cols - threadWidth, height: detailHeight };
    tree = { top: restTop + detailHeight, left: threadWidth, width: cols - threadWidth, height: restHeight - detailHeight };
  } else {
    // Threads across the whole width, the selected thread and the tree side by side below.
    const threadHeight = Math.ceil(restHeight / 2);
    const half = Math.floor(cols / 2);
    const lower = { top: restTop + threadHeight, height: restHeight - threadHeight };
    threads = { top: restTop, left: 0, width: cols, height: threadHeight };
    detail = { ...lower, left: 0, width: half };
    tree = { ...lower, left: half, width: cols - half };
  }
  return { kind: wide ? 'wide' : 'narrow', header, status, body, panels: { pressure, resources, threads, detail, tree } };
}
