import type { Diagnosis } from '../diagnose/types.js';
import type { Sample } from '../sample/types.js';
import type { SessionEnd } from '../session/session.js';
import type { KeyMode } from './keys.js';
import { FULL_DISPLAY, type Display } from './charts/model.js';
import { psiChart, type PsiPoint } from './charts/psi-chart.js';
import { sharesChart, type SharesPoint } from './charts/shares-chart.js';
import { chartTextLines } from './charts/text-chart.js';
import { chartsOverBody, computeLayout, inner, PANEL_IDS, type ChartId, type Layout, type PanelId, type Rect, type TooSmall } from './layout.js';
import { detailLines, detailPanel, type DetailInput } from './panels/detail.js';
import { headerLines, type HeaderInput } from './panels/header.js';
import { pressurePanel } from './panels/pressure.js';
import { resourceGaps, resourcesPanel } from './panels/resources.js';
import { helpLines, statusLine } from './panels/status.js';
import { rowThread, tableRows, threadsPanel, type Row } from './panels/threads.js';
import { treeLines, treePanel } from './panels/tree.js';
import { verdictLines } from './panels/verdict.js';
import { reconcile, type UiState } from './state.js';
import type { ChartPlacement, ScreenFrame } from './surface.js';
import { fitPanel, line, seg, wrapText, type Line, type PanelModel, type Tone } from './text.js';

/** Everything one frame is drawn from. */
export interface FrameInput {
  readonly mode: KeyMode;
  readonly cols: number;
  readonly rows: number;
  readonly diagnosis: Diagnosis;
  /** The sample the diagnosis came from: it says why a missing value is missing. */
  readonly sample: Sample | null;
  readonly ended: SessionEnd | null;
  readonly psi: readonly PsiPoint[];
  /** The process's time shares, one point per interval (empty before the second sample). */
  readonly shares?: readonly SharesPoint[];
  /** What the terminal can show (charts drawn, or as text with Unicode or ASCII bars). */
  readonly display?: Display;
  /** attach was opened from top: q and Esc go back to it. */
  readonly fromTop?: boolean;
  readonly ui: UiState;
  readonly header: Omit<HeaderInput, 'diagnosis' | 'ended' | 'paused'>;
  readonly message: string | null;
}

/** attach's frame: a ScreenFrame with its own layout and panels; the overlay is help, thread detail or the whole tree. */
export type Frame =
  | (Extract<ScreenFrame, { kind: 'too-small' }> & { readonly layout: TooSmall })
  | (Extract<ScreenFrame, { kind: 'dashboard' }> & { readonly layout: Layout; readonly panels: Readonly<Record<PanelId, PanelModel>> });

export interface ComposedFrame {
  readonly frame: Frame;
  /** The UI state with the selection re-found in this frame's rows. */
  readonly ui: UiState;
  readonly rows: readonly Row[];
  readonly pageSize: number;
}

/** The too-small message; `instead` is the one-shot command that fits anywhere. */
export function tooSmallLines(t: TooSmall, instead = 'proctriage triage PID'): Line[] {
  const said: [string, Tone][] = [
    ['proctriage: the terminal is too small', 'bold'],
    [`it is ${t.cols}×${t.rows}; the dashboard needs at least ${t.needCols}×${t.needRows}.`, 'plain'],
    ['Enlarge the window (it re-lays out at once), or press q to quit.', 'plain'],
    [`For a one-shot report that fits anywhere: ${instead}`, 'dim'],
  ];
  // Wrapped, never cut: the message is all a small terminal shows.
  return said.flatMap(([text, tone]) => wrapText(text, Math.max(1, t.cols)).map((w) => line(seg(w, tone))));
}

/** A title sits on the top border after `┌─`, padded by a space each side, before `─┐`. */
export function fitTitle(title: string, boxWidth: number): string {
  const room = Math.max(0, boxWidth - 6);
  return title.length <= room ? title : `${title.slice(0, Math.max(0, room - 1))}…`;
}

function detailInput(d: Diagnosis, sample: Sample | null, row: Row | undefined): DetailInput {
  const thread = rowThread(row);
  if (!thread) return { thread: null, snapshot: null, groupSize: 0, groupTids: [] };
  const threads = sample?.process.threads;
  const snapshot = threads?.ok ? (threads.value.find((t) => t.tid === thread.tid) ?? null) : null;
  const group = d.waitGroups.find((g) => g.tids.includes(thread.tid));
  return { thread, snapshot, groupSize: group?.count ?? 1, groupTids: group?.tids ?? [thread.tid], ...(d.insights ? { insights: d.insights } : {}) };
}

function overlayLines(input: FrameInput, ui: UiState, detail: DetailInput, width: number, height: number): { title: string; lines: Line[] } | null {
  switch (ui.overlay) {
    case 'none':
      return null;
    case 'help':
      return { title: 'help — ? or Esc closes', lines: helpLines(input.mode, ui, input.fromTop ?? false) };
    case 'detail':
      return { title: `thread ${detail.thread?.tid ?? ''} explained — ↑↓ other threads, Esc closes`, lines: detailLines(detail, width, true) };
    case 'tree':
      return { title: 'decision tree, whole — t or Esc closes', lines: treeLines(input.diagnosis, { width, height }, true) };
    case 'charts':
      // Drawn as charts over the body (chartPanels), not as an overlay of text.
      return null;
  }
}

/**
 * An overlay over the body, scrolled to `wanted` (clamped to the text), its title fitted to the
 * border: returns the scroll actually used. Attach's help, detail and tree; top's help.
 */
export function scrolledOverlay(o: { title: string; lines: readonly Line[] }, body: Rect, wanted: number): { panel: PanelModel; scroll: number } {
  const size = inner(body);
  const scroll = Math.max(0, Math.min(wanted, o.lines.length - size.height));
  const below = o.lines.length - scroll - size.height;
  const more = scroll > 0 || below > 0 ? ` · ${scroll + 1}–${Math.min(o.lines.length, scroll + size.height)}/${o.lines.length} PgUp PgDn` : '';
  return { panel: { title: fitTitle(`${o.title}${more}`, body.width), lines: fitPanel(o.lines.slice(scroll), size) }, scroll };
}

function overlay(input: FrameInput, ui: UiState, detail: DetailInput, layout: Layout): { panel: PanelModel | null; scroll: number } {
  const size = inner(layout.body);
  const o = overlayLines(input, ui, detail, size.width, size.height);
  return o ? scrolledOverlay(o, layout.body, ui.overlayScroll) : { panel: null, scroll: 0 };
}

/** The two charts, each a panel holding its chart and its text rendering, titled for its rect. */
function chartPanels(input: FrameInput, rects: Readonly<Record<ChartId, Rect>>): ChartPlacement[] {
  const display = input.display ?? FULL_DISPLAY;
  const psi = psiChart(input.diagnosis, input.psi);
  const shares = sharesChart(input.shares ?? []);
  const window = (n: number) => (n >= 2 ? ` over ${Math.round((n - 1) * (input.header.intervalMs / 1000))} s` : '');
  const made: [ChartId, string, typeof psi][] = [
    ['psiChart', `PSI avg10 %${window(input.psi.length)}, threshold ${input.diagnosis.pressure.system.threshold} %`, psi],
    ['sharesChart', `time shares — average threads running, runnable, in each wait${window(shares.xLabels.length)}`, shares],
  ];
  return made.map(([id, title, chart]) => {
    const rect = rects[id];
    const empty = chart.xLabels.length < 2 ? [line(seg(id === 'sharesChart' ? 'measuring… (shares need two samples)' : 'measuring…', 'dim'))] : null;
    const lines = empty ?? chartTextLines(chart, inner(rect), display.unicode);
    return { id, rect, panel: { title: fitTitle(title, rect.width), lines, chart } };
  });
}

/** Diagnosis + UI state → what every panel draws. Pure: the dashboard's only drawing logic. */
export function composeFrame(input: FrameInput): ComposedFrame {
  const d = input.diagnosis;
  const verdict = verdictLines(d, input.cols);
  const layout = computeLayout(input.cols, input.rows, verdict.length);
  const rows = tableRows(d, input.ui.sort, input.ui.grouped);
  if (layout.kind === 'too-small') {
    return { frame: { kind: 'too-small', layout, lines: tooSmallLines(layout) }, ui: input.ui, rows, pageSize: 1 };
  }
  const unicode = (input.display ?? FULL_DISPLAY).unicode;
  const threadsSize = inner(layout.panels.threads);
  const pageSize = Math.max(1, threadsSize.height - 1);
  const reconciled = reconcile(input.ui, { rowKeys: rows.map((r) => r.key), pageSize, sampleCount: input.header.replay?.count ?? null });
  const selected = rows[reconciled.selectedIndex];
  const detail = detailInput(d, input.sample, selected);
  const panels: Record<PanelId, PanelModel> = {
    pressure: pressurePanel(d, input.psi, inner(layout.panels.pressure), input.sample?.cgroupPath ?? null, unicode),
    resources: resourcesPanel(d, resourceGaps(input.sample), inner(layout.panels.resources)),
    threads: threadsPanel(d, rows, reconciled, threadsSize).panel,
    detail: detailPanel(detail, inner(layout.panels.detail)),
    tree: treePanel(d, inner(layout.panels.tree)),
  };
  const over = overlay(input, reconciled, detail, layout);
  const ui = over.scroll === reconciled.overlayScroll ? reconciled : { ...reconciled, overlayScroll: over.scroll };
  for (const id of PANEL_IDS) panels[id] = { ...panels[id], title: fitTitle(panels[id].title, layout.panels[id].width) };
  const header = headerLines({ ...input.header, diagnosis: d, ended: input.ended, paused: input.ui.paused }, layout.header.width);
  const chartsInFront = ui.overlay === 'charts';
  const chartRects = chartsInFront ? chartsOverBody(layout.body) : layout.charts;
  return {
    frame: {
      kind: 'dashboard',
      layout,
      header,
      verdict,
      status: statusLine(input.mode, input.message, layout.status.width, input.fromTop ?? false),
      panels,
      overlay: over.panel,
      charts: chartRects ? chartPanels(input, chartRects) : [],
      chartsInFront,
    },
    ui,
    rows,
    pageSize,
  };
}
