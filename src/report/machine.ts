import { groupRank } from '../machine/groups.js';
import type { Group, MachineSample, MachineWindow } from '../machine/types.js';
import { PSI_RESOURCES, type PressureSet } from '../sample/types.js';
import { padEnd } from './format.js';
import type { Style } from './style.js';

/** PSI `some avg10` per resource (irq: `full`), or why it is missing: one line of text. */
export function pressureLine(pressure: PressureSet): string {
  return PSI_RESOURCES.map((r) => {
    const p = pressure[r];
    if (!p.ok) return `${r} n/a`;
    const line = r === 'irq' ? p.value.full : p.value.some;
    return line ? `${r} ${line.avg10.toFixed(1)}%` : `${r} n/a`;
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

function groupLine(g: Group, style: Style): string {
  const avg = g.avgActive >= 10 ? g.avgActive.toFixed(1) : g.avgActive.toFixed(2);
  const kind = g.kind === 'running' ? style.green(padEnd(g.kind, 16)) : isDState(g) ? style.red(padEnd(g.kind, 16)) : padEnd(g.kind, 16);
  const pids = g.pids.length === 1 ? `pid ${g.pids[0]}` : `${g.pids.length} processes`;
  return `${avg.padStart(8)}  ${kind}${padEnd(g.function ?? '-', 26)}${padEnd(g.comm, 20)}${pids}`;
}

function isDState(g: Group): boolean {
  return groupRank(g.kind) === 1;
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
  out.push(style.dim(`${'avg act'.padStart(8)}  ${padEnd('wait', 16)}${padEnd('kernel function', 26)}${padEnd('comm', 20)}processes`));
  for (const g of shown.slice(0, max)) out.push(groupLine(g, style));
  const rest = shown.slice(max);
  if (rest.length > 0) {
    const sum = rest.reduce((s, g) => s + g.avgActive, 0);
    out.push(style.dim(`${sum.toFixed(2).padStart(8)}  … ${rest.length} more groups (--all shows them)`));
  }
  const idle = window.groups.filter((g) => g.kind === 'idle');
  if (hideIdle && idle.length > 0) {
    const sum = idle.reduce((s, g) => s + g.avgActive, 0);
    out.push(style.dim(`${sum.toFixed(1).padStart(8)}  idle kernel threads in ${idle.length} groups (hidden; --all shows them)`));
  }
  return `${out.join('\n')}\n`;
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
  };
}
