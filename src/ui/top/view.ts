import type { WaitKind } from '../../kernel/wait-kinds.js';
import { judgedAvg10Of } from '../../kernel/psi.js';
import { processesInGroup, type GroupProcess } from '../../sample/machine/groups.js';
import type { CgroupPressure, Group, MachineSample, MachineWindow } from '../../sample/machine/types.js';
import { column, excludedNote, formatAvg, groupProcesses, isDState } from '../../report/machine.js';
import { padEnd } from '../../report/format.js';
import { terminalSafe } from '../../report/terminal-safe.js';
import { PSI_RESOURCES, type PressureSet, type PsiResource } from '../../readers/types.js';
import type { Intent } from '../keys.js';
import { inner, MIN_COLS, MIN_ROWS, type Rect, type TooSmall } from '../layout.js';
import { hostLine, shortTime, type HostInfo } from '../panels/header.js';
import { sparkline } from '../panels/pressure.js';
import { keyLines, keysStatusLine, type KeyList } from '../panels/status.js';
import { tableView, type TableRow } from '../panels/table.js';
import { initialState, reconcile, reduce, type UiState } from '../state.js';
import type { ScreenFrame, ScreenLayout } from '../surface.js';
import { fitLine, line, seg, wrapText, type Line, type PanelModel, type Segment, type Size, type Tone } from '../text.js';
import { fitTitle, scrolledOverlay, tooSmallLines } from '../view-models.js';

/**
 * The whole-machine dashboard, pure: state + samples → a frame of the same shape as attach's
 * (header, bordered panels, status line, help overlay), so it looks and answers keys alike.
 */

/** What top remembers between frames apart from the samples. */
export interface TopState {
  /** Selection, scroll, help overlay and pause: attach's own state, reduced by attach's reducer. */
  readonly ui: UiState;
  /** The group whose processes are listed (`kind|function|comm`); null: the groups. */
  readonly groupKey: string | null;
  /** Where Esc returns to from a group's processes: that group's row. */
  readonly back: { readonly key: string; readonly index: number } | null;
}

export function initialTopState(): TopState {
  return { ui: initialState(), groupKey: null, back: null };
}

/** The keys, as the status line and the help list them. */
export const TOP_KEYS: KeyList = [
  ['q', 'quit'],
  ['?', 'help'],
  ['↑↓ j k', 'select'],
  ['Enter', 'open'],
  ['Esc', 'back'],
  ['p', 'pause'],
];

/** attach's keys that mean nothing here: said once on the status line instead of doing nothing. */
const ATTACH_ONLY: ReadonlySet<Intent['type']> = new Set(['sort', 'group', 'tree', 'capture', 'charts']);

export function isAttachOnly(intent: Intent): boolean {
  return ATTACH_ONLY.has(intent.type);
}

/**
 * Apply one intent as attach does (arrows, pages, ? and Esc on the help, p), except:
 * Enter on a group lists its processes (on a process the dashboard attaches: a side effect),
 * Esc with no help open goes back from a process list to the group it came from.
 * With the help open, Enter and Esc only close it.
 */
export function reduceTop(state: TopState, intent: Intent, rowKeys: readonly string[], pageSize: number): TopState {
  const ctx = { rowKeys, pageSize, sampleCount: null };
  const helpOpen = state.ui.overlay !== 'none';
  switch (intent.type) {
    case 'open': {
      if (helpOpen) return { ...state, ui: reduce(state.ui, { type: 'close' }, ctx) };
      const key = state.ui.selectedKey;
      if (state.groupKey !== null || key === null) return state;
      return { groupKey: key, back: { key, index: state.ui.selectedIndex }, ui: { ...state.ui, selectedKey: null, selectedIndex: 0, scrollTop: 0 } };
    }
    case 'close':
      if (helpOpen || state.groupKey === null) return { ...state, ui: reduce(state.ui, intent, ctx) };
      return { groupKey: null, back: null, ui: { ...state.ui, selectedKey: state.back?.key ?? null, selectedIndex: state.back?.index ?? 0, scrollTop: 0 } };
    case 'sort':
    case 'group':
    case 'tree':
    case 'capture':
    case 'charts':
    case 'step':
    case 'quit':
      return state;
    default:
      return { ...state, ui: reduce(state.ui, intent, ctx) };
  }
}

/** Everything one frame is drawn from. */
export interface TopInputs {
  readonly window: MachineWindow;
  readonly samples: readonly MachineSample[];
  /** Top-level cgroup PSI, the latest read. */
  readonly cgroups: readonly CgroupPressure[] | null;
  /** The judged avg10 (`some`; irq: `full`) per resource, oldest first; null where unreadable. */
  readonly history: Readonly<Record<PsiResource, readonly (number | null)[]>>;
  readonly hz: number;
  /** Whether the rate adapts to the budget (no --hz). */
  readonly adaptive: boolean;
  readonly cpuShare: number;
  readonly budget: number;
  /** PSI avg10 above this is contention (attach's `--threshold`). */
  readonly threshold: number;
  /** Seconds of samples grouped. */
  readonly windowSeconds: number;
  readonly host: HostInfo | null;
  readonly hostError: string | null;
  /** A one-off word on the status line (e.g. a key that does nothing here). */
  readonly message: string | null;
  /** A machine capture on screen: which sample of how many, and where it is. */
  readonly replay?: { readonly index: number; readonly count: number; readonly dir: string; readonly playing: boolean } | null;
}

export interface TopComposed {
  readonly frame: ScreenFrame;
  /** The state with the selection re-found in this frame's rows. */
  readonly state: TopState;
  /** Row keys in display order (group keys, or `p:<pid>`). */
  readonly rowKeys: readonly string[];
  readonly pageSize: number;
  /** The process under the cursor in a group's process list. */
  readonly selectedPid: number | null;
}

const HEADER_ROWS = 3;
/** The PSI panel takes at most this share of the body. */
const PSI_SHARE = 0.4;

interface TopLayout extends ScreenLayout {
  readonly kind: 'top';
  readonly panels: { readonly pressure: Rect; readonly groups: Rect };
}

/** Header, PSI (as tall as its lines, within 40 % of the body), the group table, the status line. */
export function topLayout(cols: number, rows: number, psiLines: number): TopLayout | TooSmall {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { kind: 'too-small', cols, rows, needCols: MIN_COLS, needRows: MIN_ROWS };
  const bodyHeight = rows - HEADER_ROWS - 1;
  const body: Rect = { top: HEADER_ROWS, left: 0, width: cols, height: bodyHeight };
  const psiHeight = Math.max(5, Math.min(psiLines + 2, Math.floor(bodyHeight * PSI_SHARE)));
  return {
    kind: 'top',
    header: { top: 0, left: 0, width: cols, height: HEADER_ROWS },
    status: { top: rows - 1, left: 0, width: cols, height: 1 },
    body,
    panels: {
      pressure: { top: HEADER_ROWS, left: 0, width: cols, height: psiHeight },
      groups: { top: HEADER_ROWS + psiHeight, left: 0, width: cols, height: bodyHeight - psiHeight },
    },
  };
}

// ── PSI ─────────────────────────────────────────────────────────────────────────────────────

/** The judged avg10 of one resource (kernel/psi.ts); null when unreadable. */
function judgedAvg10(pressure: PressureSet, r: PsiResource): number | null {
  return judgedAvg10Of(pressure[r]);
}

function shownResources(pressure: PressureSet | undefined): PsiResource[] {
  return PSI_RESOURCES.filter((r) => r !== 'irq' || (pressure?.irq.ok ?? false));
}

const num = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(1));

/** The verdict in words, over the system and the top-level cgroups. */
function psiVerdict(last: MachineSample | undefined, cgroups: readonly CgroupPressure[], threshold: number): { text: string; tone: Tone } {
  if (!last) return { text: 'measuring…', tone: 'dim' };
  const over: string[] = [];
  const scopes: [string, PressureSet][] = [['system', last.pressure], ...cgroups.map((c): [string, PressureSet] => [c.path, c.pressure])];
  for (const [scope, pressure] of scopes) {
    for (const r of PSI_RESOURCES) {
      const v = judgedAvg10(pressure, r);
      if (v !== null && v > threshold) over.push(`${scope} ${r} ${num(v)} %`);
    }
  }
  if (over.length > 0) return { text: `contended: ${over.join(', ')} > ${threshold} %`, tone: 'bad' };
  if (PSI_RESOURCES.every((r) => judgedAvg10(last.pressure, r) === null)) return { text: 'unavailable', tone: 'warn' };
  return { text: `no contention (all ≤ ${threshold} %)`, tone: 'good' };
}

const NAME = 8;

/** System PSI with history (attach's sparkline: ▄ is the threshold), then one line per top-level cgroup. */
function psiLines(inputs: TopInputs, width: number): Line[] {
  const last = inputs.samples[inputs.samples.length - 1];
  if (!last) return [line(seg('reading /proc/pressure…', 'dim'))];
  const resources = shownResources(last.pressure);
  const sparkWidth = Math.max(0, width - NAME - 7);
  const out: Line[] = [line(seg('system'.padEnd(NAME), 'bold'), seg(`avg10 %  history, ▄ = ${inputs.threshold} %`, 'dim'))];
  for (const r of resources) {
    const v = judgedAvg10(last.pressure, r);
    const tone: Tone = v === null ? 'dim' : v > inputs.threshold ? 'bad' : 'plain';
    const p = last.pressure[r];
    const history = p.ok ? sparkline(inputs.history[r], sparkWidth, inputs.threshold) : [seg(p.error.message, 'dim')];
    out.push(line(padEnd(r, NAME), seg(num(v).padStart(5), tone), '  ', ...history));
  }
  const cgroups = inputs.cgroups ?? [];
  if (cgroups.length > 0) {
    const nameWidth = Math.min(25, Math.max(...cgroups.map((c) => terminalSafe(c.path).length)) + 1);
    out.push(line(seg(`cgroups (top level), ${resources.join(' / ')} avg10 %`, 'dim')));
    for (const c of cgroups) {
      const values = resources.map((r) => {
        const v = judgedAvg10(c.pressure, r);
        return seg(num(v).padStart(6), v !== null && v > inputs.threshold ? 'bad' : 'plain');
      });
      out.push(line(column(c.path, nameWidth), ...values));
    }
  }
  return out;
}

// ── groups and processes ───────────────────────────────────────────────────────────────────

/** Marker 1, average 8, then wait kind, kernel function and comm (each with a one-space gap); processes take the rest. */
function columns(width: number) {
  const comm = width >= 120 ? 20 : 17;
  return { kind: 16, fn: Math.max(12, Math.min(33, width - 1 - 9 - 16 - comm - 12)), comm } as const;
}
type Columns = ReturnType<typeof columns>;

/** Running (as attach marks state R) and D-state waits (as attach marks state D). */
function kindTone(kind: WaitKind): Tone {
  return kind === 'running' ? 'accent' : isDState({ kind }) ? 'bad' : 'plain';
}

function groupRow(g: Group, c: Columns): Line {
  return line(`${formatAvg(g.avgActive).padStart(8)} `, seg(column(g.kind, c.kind), kindTone(g.kind)), column(g.function ?? '—', c.fn), column(g.comm, c.comm), groupProcesses(g));
}

function groupHeader(c: Columns): Line {
  return line(seg(`${'AVG ACT'.padStart(8)} ${column('WAIT', c.kind)}${column('KERNEL FUNCTION', c.fn)}${column('COMM', c.comm)}PROCESSES`, 'dim'));
}

/** A group key back in words: `kind · function · comm` (no empty function). */
export function groupName(key: string): string {
  const [kind = '', fn = '', ...comm] = key.split('|');
  return [kind, fn, terminalSafe(comm.join('|'))].filter((x) => x !== '').join(' · ');
}

interface Table<T> {
  readonly title: string;
  readonly header: Line;
  readonly rows: readonly T[];
  readonly key: (row: T) => string;
  readonly format: (row: T) => TableRow;
  readonly pid: (row: T) => number | null;
  readonly empty: string;
}

function groupsTable(inputs: TopInputs, c: Columns): Table<Group> {
  const groups = inputs.window.groups.filter((g) => g.kind !== 'idle');
  const w = inputs.window;
  return {
    title: `waits — average active threads over ${w.samples} samples in ${(w.durationMs / 1000).toFixed(1)} s (${groups.length} groups)`,
    header: groupHeader(c),
    rows: groups,
    key: (g) => g.key,
    format: (g) => ({ key: g.key, line: groupRow(g, c) }),
    pid: () => null,
    empty: 'no threads seen yet',
  };
}

function processesTable(inputs: TopInputs, key: string, width: number): Table<GroupProcess> {
  const comm = Math.max(8, width - 1 - 9 - 8);
  return {
    title: `processes in ${groupName(key)} — Enter attaches, Esc back`,
    header: line(seg(`${'AVG ACT'.padStart(8)} ${'PID'.padStart(7)} COMM`, 'dim')),
    rows: processesInGroup(inputs.samples, key),
    key: (p) => processKey(p.pid),
    format: (p) => ({ key: processKey(p.pid), line: line(`${formatAvg(p.avgActive).padStart(8)} ${String(p.pid).padStart(7)} `, padEnd(terminalSafe(p.comm), comm)) }),
    pid: (p) => p.pid,
    empty: `no thread in this group in the last ${inputs.windowSeconds} s`,
  };
}

const processKey = (pid: number) => `p:${pid}`;

/** The table in its panel, the selection re-found in its rows; and the pid under the cursor. */
function tablePanel<T>(table: Table<T>, state: UiState, size: Size): { panel: PanelModel; ui: UiState; rowKeys: string[]; pageSize: number; selectedPid: number | null } {
  const rowKeys = table.rows.map(table.key);
  const pageSize = Math.max(1, size.height - 1);
  const ui = reconcile(state, { rowKeys, pageSize, sampleCount: null });
  const view = tableView(table.header, table.rows, table.format, ui, size, line(' ', seg(table.empty, 'dim')));
  const selected = table.rows[ui.selectedIndex];
  return { panel: { title: `${table.title}${view.scroll}`, lines: view.lines }, ui, rowKeys, pageSize: view.pageSize, selectedPid: selected === undefined ? null : table.pid(selected) };
}

// ── header, help ───────────────────────────────────────────────────────────────────────────

function headerLines(state: TopState, inputs: TopInputs, width: number): Line[] {
  const last = inputs.samples[inputs.samples.length - 1];
  const r = inputs.replay;
  const badges: Segment[] = r
    ? [seg(` REPLAY ${r.index + 1}/${r.count} `, 'badge'), ...(r.playing ? [seg(' ▶ playing ', 'accent')] : [])]
    : [seg(` LIVE ${inputs.hz.toFixed(inputs.hz >= 10 ? 0 : 1)} Hz `, 'badge')];
  if (state.ui.paused && !r) badges.push(seg(' PAUSED ', 'warn'));
  const idle = inputs.window.groups.filter((g) => g.kind === 'idle').reduce((n, g) => n + g.avgActive, 0);
  const machine = last
    ? `  ${Math.round(inputs.window.avgThreads)} threads in ${last.stats.processes} processes${idle >= 0.5 ? ` · ${Math.round(idle)} idle kernel threads hidden` : ''}`
    : '  sampling…';
  const cost = r
    ? `machine capture ${r.dir}${last ? ` · sample of ${shortTime(new Date(last.tWallMs).toISOString())}` : ''} · ← → step, p play`
    : `sampling uses ${(inputs.cpuShare * 100).toFixed(1)} % of a core (budget ${(inputs.budget * 100).toFixed(0)} %${inputs.adaptive ? ', adaptive rate' : ''})`;
  // Said first, so that a narrow screen still shows it.
  const note = last ? excludedNote(last) : null;
  return [
    line(...badges, ' ', seg('whole machine', 'bold'), machine),
    line(...(note ? [seg(note, 'dim'), seg(' · ', 'dim')] : []), cost),
    r ? line(seg('capture ', 'dim'), r.dir) : hostLine(inputs.host, inputs.hostError),
  ].map((l) => fitLine(l, width));
}

/** The `?` overlay: the keys, and how to read the screen. */
export function topHelpLines(state: TopState, inputs: TopInputs, width: number): Line[] {
  const text = (s: string): Line[] => wrapText(s, width - 2, 2).map((t) => line(`  ${t}`));
  const where = state.groupKey === null ? 'the groups' : `the processes in ${groupName(state.groupKey)}`;
  return [
    line(seg('keys', 'bold')),
    ...keyLines([
      ['q', 'quit (also with this window open), as in attach'],
      ['?', 'this help (? or Esc closes it)'],
      ['↑↓ j k', 'select a row'],
      ['Enter', "on a group: its processes; on a process: attach to it (proctriage attach PID)"],
      ['Esc', 'close this window; back from a process list to its group'],
      ['p', 'pause sampling (the window stays on screen)'],
      ['PgUp PgDn', 'page through the rows'],
      ['Home End', 'first / last row'],
      ['Ctrl-C', 'quit'],
    ]),
    line(''),
    line(seg('now', 'bold'), `  ${where} · ${state.ui.paused ? 'paused' : `sampling at ${inputs.hz.toFixed(2)} Hz`}`),
    line(''),
    line(seg('reading it', 'bold')),
    ...text(`AVG ACT: average active threads. Every thread of every process is sampled; a group's threads are summed over the samples of the last ${inputs.windowSeconds} s and divided by their number: 6.00 means six threads were there the whole time.`),
    ...text('WAIT is the wait kind (stable names, as in attach and --json), KERNEL FUNCTION where the thread sleeps (wchan), COMM the thread\'s name, PROCESSES its pid or how many processes.'),
    ...text('Order: running threads first (the wait kind in cyan, "—" as they sleep nowhere), then D-state waits in red (disk-io, reclaim, kernel-lock, vfork, frozen, uninterruptible: they count in the load average and cannot be interrupted), then the rest by average.'),
    ...text('Idle kernel threads are hidden (proctriage top --once --all lists them). proctriage\'s own threads are excluded: its sampling would otherwise show as a running node.'),
    ...text(`PSI: avg10 % of time some tasks stalled on cpu, memory, io (irq: all tasks); the history has ▄ at the contention threshold (${inputs.threshold} %), taller bars are over it.`),
  ];
}

/** Samples + state → what the screen draws. Pure: top's only drawing logic. */
export function composeTopFrame(state: TopState, inputs: TopInputs, cols: number, rows: number): TopComposed {
  const psi = psiLines(inputs, Math.max(0, cols - 2));
  const layout = topLayout(cols, rows, psi.length);
  if (layout.kind === 'too-small') {
    return { frame: { kind: 'too-small', lines: tooSmallLines(layout, 'proctriage top --once') }, state, rowKeys: [], pageSize: 1, selectedPid: null };
  }
  const size = inner(layout.panels.groups);
  const { panel: groupsPanel, ui, rowKeys, pageSize, selectedPid } =
    state.groupKey === null ? tablePanel(groupsTable(inputs, columns(size.width - 1)), state.ui, size) : tablePanel(processesTable(inputs, state.groupKey, size.width - 1), state.ui, size);
  const verdict = psiVerdict(inputs.samples[inputs.samples.length - 1], inputs.cgroups ?? [], inputs.threshold);
  const pressure: PanelModel = { title: fitTitle(`PSI — ${verdict.text}`, cols), titleTone: verdict.tone, lines: psi.slice(0, inner(layout.panels.pressure).height).map((l) => fitLine(l, cols - 2)) };
  let next: TopState = { ...state, ui };
  let overlay: PanelModel | null = null;
  if (ui.overlay === 'help') {
    const o = scrolledOverlay({ title: 'help — ? or Esc closes', lines: topHelpLines(next, inputs, inner(layout.body).width) }, layout.body, ui.overlayScroll);
    overlay = o.panel;
    if (o.scroll !== ui.overlayScroll) next = { ...next, ui: { ...ui, overlayScroll: o.scroll } };
  }
  const frame: ScreenFrame = {
    kind: 'dashboard',
    layout,
    header: headerLines(next, inputs, cols),
    status: keysStatusLine(inputs.replay ? [...TOP_KEYS.filter(([k]) => k !== 'p'), ['←→', 'step'], ['p', 'play']] : TOP_KEYS, inputs.message, cols),
    panels: { pressure, groups: { ...groupsPanel, title: fitTitle(groupsPanel.title, cols) } },
    overlay,
  };
  return { frame, state: next, rowKeys, pageSize, selectedPid };
}
