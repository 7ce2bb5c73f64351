import { groupRank, processesInGroup, type GroupProcess } from '../../machine/groups.js';
import type { CgroupPressure, MachineSample, MachineWindow } from '../../machine/types.js';
import { padEnd } from '../../report/format.js';
import { pressureLine } from '../../report/machine.js';

/** What the top dashboard shows; pure, so it is tested without a terminal. */
export interface TopViewState {
  readonly mode: 'groups' | 'processes';
  readonly selected: number;
  /** The group whose processes are listed (mode `processes`). */
  readonly groupKey: string | null;
  readonly paused: boolean;
}

export interface TopFrame {
  readonly header: string[];
  readonly title: string;
  readonly rows: string[];
  readonly footer: string;
  /** pid under the cursor in `processes` mode. */
  readonly selectedPid: number | null;
  readonly selectedGroup: string | null;
}

const SPARK = '▁▂▃▄▅▆▇█';

/** A sparkline of percentages (0–100) in the last `width` points. */
export function sparkline(values: readonly number[], width: number): string {
  return values
    .slice(-width)
    .map((v) => SPARK[Math.min(SPARK.length - 1, Math.max(0, Math.round((v / 100) * (SPARK.length - 1))))])
    .join('');
}

export interface TopInputs {
  readonly window: MachineWindow;
  readonly samples: readonly MachineSample[];
  readonly cgroups: readonly CgroupPressure[] | null;
  /** some avg10 history per resource, oldest first. */
  readonly history: Readonly<Record<'cpu' | 'memory' | 'io', readonly number[]>>;
  readonly hz: number;
  readonly cpuShare: number;
  readonly budget: number;
  readonly width: number;
}

export function topFrame(state: TopViewState, inputs: TopInputs): TopFrame {
  const last = inputs.samples[inputs.samples.length - 1];
  const header: string[] = [];
  if (last) header.push(`system PSI some avg10: ${pressureLine(last.pressure)}`);
  for (const r of ['cpu', 'memory', 'io'] as const) header.push(`${padEnd(r, 7)}${sparkline(inputs.history[r], Math.max(10, inputs.width - 10))}`);
  for (const cg of (inputs.cgroups ?? []).slice(0, 4)) header.push(`${padEnd(cg.path, 22)}${pressureLine(cg.pressure)}`);
  const footer = `${inputs.window.samples} samples / ${(inputs.window.durationMs / 1000).toFixed(1)} s · ${inputs.hz.toFixed(2)} Hz · sampling CPU ${(inputs.cpuShare * 100).toFixed(1)} % of a core (budget ${(inputs.budget * 100).toFixed(0)} %)${state.paused ? ' · PAUSED' : ''} · q quit · Enter open · Esc back · p pause`;
  if (state.mode === 'processes' && state.groupKey !== null) {
    const procs: GroupProcess[] = processesInGroup(inputs.samples, state.groupKey);
    const rows = procs.map((p) => `${p.avgActive.toFixed(2).padStart(8)}  ${String(p.pid).padStart(7)}  ${p.comm}`);
    // The key is `kind|function|comm`: shown as words, with no empty function.
    const [kind = '', fn = '', comm = ''] = state.groupKey.split('|');
    const groupName = [kind, fn, comm].filter((x) => x !== '').join(' · ');
    return { header, title: `processes in ${groupName} (avg act · pid · comm) — Enter attaches`, rows, footer, selectedPid: procs[state.selected]?.pid ?? null, selectedGroup: state.groupKey };
  }
  const groups = inputs.window.groups.filter((g) => g.kind !== 'idle');
  const rows = groups.map((g) => {
    const avg = g.avgActive >= 10 ? g.avgActive.toFixed(1) : g.avgActive.toFixed(2);
    const mark = groupRank(g.kind) < 2 ? '!' : ' ';
    return `${avg.padStart(8)} ${mark} ${padEnd(g.kind, 16)}${padEnd(g.function ?? '-', 26)}${padEnd(g.comm, 20)}${g.pids.length} proc`;
  });
  return {
    header,
    title: `avg act  wait            kernel function           comm                (${Math.round(inputs.window.avgThreads)} threads)`,
    rows,
    footer,
    selectedPid: null,
    selectedGroup: groups[state.selected]?.key ?? null,
  };
}
