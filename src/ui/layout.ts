/**
 * The one layout file: terminal size → where each panel goes. Pure, so a resize is a new call
 * and the too-small case is a value, not a broken screen.
 *
 *   header (3 lines, no border)
 *   verdict (the whole verdict, wrapped: 1–3 lines at 80 columns, more only for a long one)
 *   ┌ PSI ─────────────┐┌ resources ───────┐
 *   ┌ PSI history ─────┐┌ time shares ─────┐     tall (≥ 44 rows): the charts
 *   ┌ threads ─────────┐┌ selected thread ─┐     wide (≥ 160 columns)
 *   │                  │├ decision tree ───┤
 *   ┌ threads ───────────────────────────┐
 *   ┌ selected thread ─┐┌ decision tree ──┐      narrow
 *   status line (1 line)
 *
 * The charts overlay (`v`) puts both charts over the body at any size.
 */

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

export const PANEL_IDS = ['pressure', 'resources', 'threads', 'detail', 'tree'] as const;
export type PanelId = (typeof PANEL_IDS)[number];
/** The two charts, inline on a tall screen or over the body with `v`. */
export const CHART_IDS = ['psiChart', 'sharesChart'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export interface Layout {
  readonly kind: 'wide' | 'narrow';
  readonly header: Rect;
  /** The verdict, full width, above the panels. */
  readonly verdict: Rect;
  readonly status: Rect;
  /** The area below the verdict and above the status line (overlays cover it). */
  readonly body: Rect;
  readonly panels: Readonly<Record<PanelId, Rect>>;
  /** The charts inline (a tall screen), or null. */
  readonly charts: Readonly<Record<ChartId, Rect>> | null;
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
/** From this many rows the charts have a row of their own. */
export const CHART_ROWS = 44;
/** Rows the threads, detail and tree keep below the PSI band, however long the verdict. */
const MIN_REST = 6;

/** Inner size of a bordered panel. */
export function inner(rect: Rect): { width: number; height: number } {
  return { width: Math.max(0, rect.width - 2), height: Math.max(0, rect.height - 2) };
}

export function computeLayout(cols: number, rows: number, verdictRows = 1): Layout | TooSmall {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { kind: 'too-small', cols, rows, needCols: MIN_COLS, needRows: MIN_ROWS };
  const header: Rect = { top: 0, left: 0, width: cols, height: HEADER_ROWS };
  const verdict: Rect = { top: HEADER_ROWS, left: 0, width: cols, height: verdictRows };
  const status: Rect = { top: rows - 1, left: 0, width: cols, height: 1 };
  const bodyTop = HEADER_ROWS + verdictRows;
  const bodyHeight = Math.max(0, rows - bodyTop - 1);
  const body: Rect = { top: bodyTop, left: 0, width: cols, height: bodyHeight };
  // PSI and resources: room for a title row and cpu/memory/io/irq, more on tall screens; less
  // (never under 4) when a long verdict leaves the panels below too little.
  const tall = rows >= CHART_ROWS;
  // With the charts inline the PSI panel shows the numbers and a short history: 9 rows at most.
  const band = Math.max(4, Math.min(Math.max(bodyHeight >= 19 ? 7 : 6, Math.min(tall ? 9 : 13, Math.floor(bodyHeight * 0.3))), bodyHeight - MIN_REST));
  const leftWidth = Math.floor(cols * (cols >= WIDE_COLS ? 0.5 : 0.55));
  const pressure: Rect = { top: bodyTop, left: 0, width: leftWidth, height: band };
  const resources: Rect = { top: bodyTop, left: leftWidth, width: cols - leftWidth, height: band };
  let restTop = bodyTop + band;
  let restHeight = bodyHeight - band;
  let charts: Record<ChartId, Rect> | null = null;
  if (tall) {
    const height = Math.max(9, Math.min(16, Math.floor(bodyHeight * 0.25)));
    const half = Math.floor(cols / 2);
    charts = { psiChart: { top: restTop, left: 0, width: half, height }, sharesChart: { top: restTop, left: half, width: cols - half, height } };
    restTop += height;
    restHeight -= height;
  }
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
  return { kind: wide ? 'wide' : 'narrow', header, verdict, status, body, panels: { pressure, resources, threads, detail, tree }, charts };
}

/** The charts overlay: PSI history over the upper half of the body, time shares over the lower. */
export function chartsOverBody(body: Rect): Record<ChartId, Rect> {
  const upper = Math.ceil(body.height / 2);
  return {
    psiChart: { top: body.top, left: 0, width: body.width, height: upper },
    sharesChart: { top: body.top + upper, left: 0, width: body.width, height: body.height - upper },
  };
}
