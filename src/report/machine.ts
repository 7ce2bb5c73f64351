import { groupRank } from '../sample/machine/groups.js';
import type { Group, MachineSample, MachineWindow } from '../sample/machine/types.js';
import { PSI_RESOURCES, type PressureSet } from '../readers/types.js';
import { judgedAvg10Of } from '../kernel/psi.js';
import { padEnd } from './format.js';
import type { Style } from './style.js';
import { terminalSafe } from './terminal-safe.js';

/** PSI `some avg10` per resource (irq: `full`), or why it is missing: one line of text. */
export function pressureLine(pressure: PressureSet): string {
  return PSI_RESOURCES.map((r) => {
    const avg10 = judgedAvg10Of(pressure[r]);
    return avg10 === null ? `${r} n/a` : `${r} ${avg10.toFixed(1)}%`;
  }).join('  ');
}

/** PSI for JSON: each resource's lines, or `{ error }`. */
export function pressureJson(pressure: PressureSet): Record<string, unknown> {
  return Object.fromEntries(PSI_RESOURCES.map((r) => [r, pressure[r].ok ? pressure[r].value : { error: pressure[r].error.message }]));
}

export interface MachineTextOptions {
  readonly style: Style;
  /** Groups to show (default 30); the rest are summed in one line. */
  readonly maxGroups?: number;
  /** Hide idle kernel threads (default true): they wait for work, not for anything. */
  readonly hideIdle?: boolean;
  readonly heading: string;
}

/**
 * A column: `text` with control characters shown as `\xNN` (a comm is whatever a process named
 * itself), cut with `…` to `width - 1` characters and padded to `width`, so a long comm or
 * kernel function never runs into the next column. Escaping comes first: the escaped text is
 * what takes room on the screen.
 */
export function column(text: string, width: number): string {
  return `${padEnd(terminalSafe(text), width - 1)} `;
}

/** Column widths of a group row in the text report (the dashboard fits its own to the screen). */
export const GROUP_WIDTHS = { kind: 16, function: 27, comm: 20 } as const;

/** A group's average active threads: two decimals, one from 10 on. */
/** Average active threads, always with two decimals: one format down the AVG ACT column. */
export function formatAvg(avg: number): string {
  return avg.toFixed(2);
}

/** `pid 1234` for a group of one process, else how many. */
export function groupProcesses(g: Pick<Group, 'pids'>): string {
  return g.pids.length === 1 ? `pid ${g.pids[0]}` : `${g.pids.length} processes`;
}

/** Running and D-state (uninterruptible) groups are the ones to look at first. */
export function isDState(g: Pick<Group, 'kind'>): boolean {
  return groupRank(g.kind) === 1;
}

function groupLine(g: Group, style: Style): string {
  const kindCell = column(g.kind, GROUP_WIDTHS.kind);
  const kind = g.kind === 'running' ? style.green(kindCell) : isDState(g) ? style.red(kindCell) : kindCell;
  return `${formatAvg(g.avgActive).padStart(8)}  ${kind}${column(g.function ?? '-', GROUP_WIDTHS.function)}${column(g.comm, GROUP_WIDTHS.comm)}${groupProcesses(g)}`;
}

/** The distribution as a table: average active threads per (kind, function, comm). */
export function renderMachineText(window: MachineWindow, last: MachineSample, options: MachineTextOptions): string {
  const { style } = options;
  const hideIdle = options.hideIdle ?? true;
  const max = options.maxGroups ?? 30;
  const shown = window.groups.filter((g) => !hideIdle || g.kind !== 'idle');
  const out: string[] = [];
  out.push(style.bold(options.heading));
  out.push(`threads ${window.avgThreads.toFixed(0)} in ${last.stats.processes} processes · PSI some avg10: ${pressureLine(last.pressure)}`);
  out.push('');
  out.push(style.dim(`${'avg act'.padStart(8)}  ${column('wait', GROUP_WIDTHS.kind)}${column('kernel function', GROUP_WIDTHS.function)}${column('comm', GROUP_WIDTHS.comm)}processes`));
  for (const g of shown.slice(0, max)) out.push(groupLine(g, style));
  const rest = shown.slice(max);
  if (rest.length > 0) {
    const sum = rest.reduce((s, g) => s + g.avgActive, 0);
    out.push(style.dim(`${formatAvg(sum).padStart(8)}  … ${rest.length} more groups (--all shows them)`));
  }
  const idle = window.groups.filter((g) => g.kind === 'idle');
  if (hideIdle && idle.length > 0) {
    const sum = idle.reduce((s, g) => s + g.avgActive, 0);
    out.push(style.dim(`${formatAvg(sum).padStart(8)}  idle kernel threads in ${idle.length} groups (hidden; --all shows them)`));
  }
  const self = excludedNote(last);
  if (self) out.push(style.dim(`${' '.repeat(10)}${self}`));
  return `${out.join('\n')}\n`;
}

/** What the sampler left out on purpose, in words; null when nothing was. */
export function excludedNote(sample: Pick<MachineSample, 'excludedPids'>): string | null {
  const pids = sample.excludedPids ?? [];
  if (pids.length === 0) return null;
  return `proctriage's own threads are excluded (pid ${pids.join(', ')})`;
}

/** `top --once --json`: every thread of the one sample, and the groups. */
export function machineSampleJson(window: MachineWindow, sample: MachineSample): Record<string, unknown> {
  return {
    scope: 'machine',
    tWallMs: sample.tWallMs,
    stats: sample.stats,
    pressure: pressureJson(sample.pressure),
    groups: window.groups,
    threads: sample.threads,
    excludedPids: sample.excludedPids ?? [],
  };
}

/** `sample --json`: the distribution over the window (threads are not listed: they change per sample). */
export function machineWindowJson(window: MachineWindow, last: MachineSample, hz: number): Record<string, unknown> {
  return {
    scope: 'machine',
    samples: window.samples,
    durationMs: window.durationMs,
    hz,
    avgThreads: window.avgThreads,
    pressure: pressureJson(last.pressure),
    groups: window.groups,
    excludedPids: last.excludedPids ?? [],
  };
}
