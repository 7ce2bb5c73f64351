import { terminalSafe } from '../../report/terminal-safe.js';
import type { Diagnosis, ThreadDiagnosis, WaitGroup } from '../../diagnose/types.js';
import type { WaitKind } from '../../kernel/wait-kinds.js';
import { WAIT_KIND_INFO } from '../../kernel/wait-kind-info.js';
import { padEnd } from '../../report/format.js';
import { SORT_LABELS, type SortKey, type UiState } from '../state.js';
import { tableView } from './table.js';
import { line, seg, type Line, type PanelModel, type Size, type Tone } from '../text.js';

export type Row =
  | { readonly type: 'thread'; readonly key: string; readonly thread: ThreadDiagnosis }
  | { readonly type: 'group'; readonly key: string; readonly group: WaitGroup; readonly threads: readonly ThreadDiagnosis[] };

/** Stuck-looking waits first, then running, then waits on other threads, then idle-by-design. */
const rank = (k: WaitKind) => WAIT_KIND_INFO[k].displayRank;

/** The wait site was hidden because files were denied (not root). */
export function waitNeedsRoot(t: ThreadDiagnosis): boolean {
  return t.wait.gaps.some((g) => g.reason === 'denied');
}

export const threadKey = (tid: number) => `t:${tid}`;
export const groupKey = (g: Pick<WaitGroup, 'kind' | 'function'>) => `g:${g.kind}:${g.function ?? ''}`;

const sum = (xs: readonly (number | null)[]): number | null => (xs.every((x) => x === null) ? null : xs.reduce<number>((a, x) => a + (x ?? 0), 0));
const switches = (t: ThreadDiagnosis) => sum([t.voluntarySwitchesPerSec, t.involuntarySwitchesPerSec]);
/** Descending, unknown values last. */
const desc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);

function compareThreads(sort: SortKey): (a: ThreadDiagnosis, b: ThreadDiagnosis) => number {
  switch (sort) {
    case 'wait':
      return (a, b) => rank(a.wait.kind) - rank(b.wait.kind) || a.wait.kind.localeCompare(b.wait.kind) || (a.wait.function ?? '').localeCompare(b.wait.function ?? '') || a.tid - b.tid;
    case 'cpu':
      return (a, b) => desc(a.cpuPercent, b.cpuPercent) || a.tid - b.tid;
    case 'switches':
      return (a, b) => desc(switches(a), switches(b)) || a.tid - b.tid;
    case 'tid':
      return (a, b) => a.tid - b.tid;
  }
}

function groupCpu(threads: readonly ThreadDiagnosis[]) {
  return sum(threads.map((t) => t.cpuPercent));
}
function groupSwitches(threads: readonly ThreadDiagnosis[]) {
  return sum(threads.map(switches));
}

/** The table's rows in display order: one per thread, or one per group of threads waiting on the same thing. */
export function tableRows(d: Diagnosis, sort: SortKey, grouped: boolean): Row[] {
  const threads = [...d.threads].sort(compareThreads(sort));
  if (!grouped) return threads.map((t) => ({ type: 'thread', key: threadKey(t.tid), thread: t }));
  const byTid = new Map(d.threads.map((t) => [t.tid, t]));
  const rows = d.waitGroups.map((g) => {
    const members = g.tids.map((tid) => byTid.get(tid)).filter((t): t is ThreadDiagnosis => t !== undefined).sort(compareThreads(sort));
    return { type: 'group' as const, key: groupKey(g), group: g, threads: members };
  });
  const first = (r: (typeof rows)[number]) => r.threads[0];
  rows.sort((a, b) => {
    switch (sort) {
      case 'wait':
        return rank(a.group.kind) - rank(b.group.kind) || b.group.count - a.group.count || a.group.kind.localeCompare(b.group.kind);
      case 'cpu':
        return desc(groupCpu(a.threads), groupCpu(b.threads)) || b.group.count - a.group.count;
      case 'switches':
        return desc(groupSwitches(a.threads), groupSwitches(b.threads)) || b.group.count - a.group.count;
      case 'tid':
        return (first(a)?.tid ?? 0) - (first(b)?.tid ?? 0);
    }
  });
  return rows;
}

/** The thread a row stands for: itself, or the first of its group. */
export function rowThread(row: Row | undefined): ThreadDiagnosis | null {
  if (!row) return null;
  return row.type === 'thread' ? row.thread : (row.threads[0] ?? null);
}

/** One format down a column: one decimal whatever the size (a column never mixes 12.5 and 1250). */
const fmtNum = (n: number | null) => (n === null ? '—' : n.toFixed(1));

interface Columns {
  readonly comm: number;
  readonly fn: number;
  readonly what: number;
}

function columns(width: number): Columns {
  // tid 7, comm, S 1, wait 10, cpu 6, sw/s 7, and seven gaps; the kernel function and what it waits on share the rest.
  const comm = width >= 100 ? 15 : 11;
  const flexible = Math.max(0, width - 37 - comm);
  const fn = Math.min(26, Math.max(17, Math.floor(flexible * 0.5)));
  return { comm, fn, what: Math.max(0, flexible - fn - 1) };
}

function cells(tid: string, comm: string, state: string, kind: string, fn: string, cpu: string, sw: string, what: string, c: Columns): string[] {
  // Escaped before it is cut to its column: a control character shown as `\xNN` takes 4 cells.
  return [padEnd(tid, 7), padEnd(terminalSafe(comm), c.comm), padEnd(state, 1), padEnd(kind, 10), padEnd(fn, c.fn), cpu.padStart(6), sw.padStart(7), c.what > 0 ? padEnd(terminalSafe(what), c.what) : ''];
}

function stateTone(state: string): Tone {
  return state === 'D' ? 'bad' : state === 'R' ? 'accent' : state === 'Z' || state === 'T' || state === 't' ? 'warn' : 'plain';
}

function threadLine(t: ThreadDiagnosis, c: Columns): Line {
  const parts = cells(String(t.tid), t.comm, t.state, t.wait.kind, t.wait.function ?? (waitNeedsRoot(t) ? 'needs root' : '—'), fmtNum(t.cpuPercent), fmtNum(switches(t)), t.wait.summary, c);
  return line(parts[0]!, ' ', parts[1]!, ' ', seg(parts[2]!, stateTone(t.state)), ' ', parts.slice(3).join(' '));
}

function tidRange(threads: readonly ThreadDiagnosis[]): string {
  const tids = threads.map((t) => t.tid);
  if (tids.length <= 3) return tids.join(',');
  return `${tids.slice(0, 2).join(',')},…(${tids.length})`;
}

function groupLine(r: Extract<Row, { type: 'group' }>, c: Columns): Line {
  const comms = new Set(r.threads.map((t) => t.comm));
  const states = new Set(r.threads.map((t) => t.state));
  const comm = comms.size === 1 ? [...comms][0]! : `${comms.size} names`;
  const state = states.size === 1 ? [...states][0]! : '*';
  const parts = cells(`${r.group.count} ×`, comm, state, r.group.kind, r.group.function ?? '—', fmtNum(groupCpu(r.threads)), fmtNum(groupSwitches(r.threads)), `tids ${tidRange(r.threads)}`, c);
  return line(seg(parts[0]!, 'bold'), ' ', parts[1]!, ' ', seg(parts[2]!, stateTone(state)), ' ', parts.slice(3).join(' '));
}

function headerLine(sort: SortKey, c: Columns): Line {
  const mark = (key: SortKey, text: string) => (sort === key ? `${text}▼` : text);
  const parts = cells(mark('tid', 'TID'), 'COMM', 'S', mark('wait', 'WAIT'), 'FUNCTION', mark('cpu', 'CPU%'), mark('switches', 'SW/s'), 'WAITING ON', c);
  return line(seg(parts.join(' '), 'dim'));
}

export interface ThreadsView {
  readonly panel: PanelModel;
  /** Rows the table can show at once (its height minus the column header). */
  readonly pageSize: number;
}

/** The thread table: a header, then the rows from `ui.scrollTop`, the selected one highlighted. */
export function threadsPanel(d: Diagnosis, rows: readonly Row[], ui: UiState, size: Size): ThreadsView {
  const c = columns(size.width - 1);
  const format = (row: Row) => ({ key: row.key, line: row.type === 'thread' ? threadLine(row.thread, c) : groupLine(row, c) });
  const table = tableView(headerLine(ui.sort, c), rows, format, ui, size, line(seg('no threads could be read', 'warn')));
  const grouping = ui.grouped ? `, ${rows.length} group${rows.length === 1 ? '' : 's'}` : '';
  return {
    panel: { title: `threads (${d.threads.length}${grouping}) by ${SORT_LABELS[ui.sort]}${table.scroll}`, lines: table.lines },
    pageSize: table.pageSize,
  };
}
