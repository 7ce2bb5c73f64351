import type { Diagnosis } from '../diagnose/types.js';
import type { Sample } from '../sample/types.js';
import type { SessionEnd } from '../session/session.js';
import type { KeyMode } from './keys.js';
import { computeLayout, inner, PANEL_IDS, type Layout, type PanelId, type Rect, type TooSmall } from './layout.js';
import { detailLines, detailPanel, type DetailInput } from './panels/detail.js';
import { headerLines, type HeaderInput } from './panels/header.js';
import { pressurePanel, type PsiPoint } from './panels/pressure.js';
import { resourceGaps, resourcesPanel } from './panels/resources.js';
import { helpLines, statusLine } from './panels/status.js';
import { rowThread, tableRows, threadsPanel, type Row } from './panels/threads.js';
import { treeLines, treePanel } from './panels/tree.js';
import { reconcile, type UiState } from './state.js';
import type { ScreenFrame } from './surface.js';
import { fitPanel, line, seg, type Line, type PanelModel } from './text.js';

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
  return [
    line(seg('proctriage: the terminal is too small', 'bold')),
    line(`it is ${t.cols}×${t.rows}; the dashboard needs at least ${t.needCols}×${t.needRows}.`),
    line('Enlarge the window (it re-lays out at once), or press q to quit.'),
    line(seg(`For a one-shot report that fits anywhere: ${instead}`, 'dim')),
  ];
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
      return { title: 'help — ? or Esc closes', lines: helpLines(input.mode, ui) };
    case 'detail':
      return { title: `thread ${detail.thread?.tid ?? ''} explained — ↑↓ other threads, Esc closes`, lines: detailLines(detail, width, true) };
    case 'tree':
      return { title: 'decision tree, all evidence — t or Esc closes', lines: treeLines(input.diagnosis, { width, height }, true) };
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

/** Diagnosis + UI state → what every panel draws. Pure: the dashboard's only drawing logic. */
export function composeFrame(input: FrameInput): ComposedFrame {
  const layout = computeLayout(input.cols, input.rows);
  const rows = tableRows(input.diagnosis, input.ui.sort, input.ui.grouped);
  if (layout.kind === 'too-small') {
    return { frame: { kind: 'too-small', layout, lines: tooSmallLines(layout) }, ui: input.ui, rows, pageSize: 1 };
  }
  const d = input.diagnosis;
  const threadsSize = inner(layout.panels.threads);
  const pageSize = Math.max(1, threadsSize.height - 1);
  const reconciled = reconcile(input.ui, { rowKeys: rows.map((r) => r.key), pageSize, sampleCount: input.header.replay?.count ?? null });
  const selected = rows[reconciled.selectedIndex];
  const detail = detailInput(d, input.sample, selected);
  const panels: Record<PanelId, PanelModel> = {
    pressure: pressurePanel(d, input.psi, inner(layout.panels.pressure), input.sample?.cgroupPath ?? null),
    resources: resourcesPanel(d, resourceGaps(input.sample), inner(layout.panels.resources)),
    threads: threadsPanel(d, rows, reconciled, threadsSize).panel,
    detail: detailPanel(detail, inner(layout.panels.detail)),
    tree: treePanel(d, inner(layout.panels.tree)),
  };
  const over = overlay(input, reconciled, detail, layout);
  const ui = over.scroll === reconciled.overlayScroll ? reconciled : { ...reconciled, overlayScroll: over.scroll };
  for (const id of PANEL_IDS) panels[id] = { ...panels[id], title: fitTitle(panels[id].title, layout.panels[id].width) };
  const header = headerLines({ ...input.header, diagnosis: d, ended: input.ended, paused: input.ui.paused }, layout.header.width);
  return {
    frame: { kind: 'dashboard', layout, header, status: statusLine(input.mode, input.message, layout.status.width), panels, overlay: over.panel },
    ui,
    rows,
    pageSize,
  };
}
