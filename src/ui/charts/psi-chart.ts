import type { Diagnosis, PressureView, PsiReading } from '../../diagnose/types.js';
import type { PsiResource } from '../../readers/types.js';
import { PSI_HISTORY_LENGTH } from '../../sample/machine/feed.js';
import { agoLabels, type ChartColor, type ChartSeries, type LineChart } from './model.js';

/** avg10 of `some` and `full` for one resource; null where the kernel has no such line. */
export interface PsiPair {
  readonly some: number | null;
  readonly full: number | null;
}

export type PsiValues = Readonly<Record<PsiResource, PsiPair | null>>;

/** One sample's PSI: avg10 per resource, line and scope. */
export interface PsiPoint {
  readonly tMonoMs: number;
  readonly system: PsiValues;
  readonly cgroup: PsiValues | null;
}

/** Points of history kept: four minutes at one sample a second (the machine feed keeps as many). */
export { PSI_HISTORY_LENGTH };

function pair(r: PsiReading | undefined): PsiPair | null {
  if (!r || r.unavailable) return null;
  return { some: r.some?.avg10 ?? null, full: r.full?.avg10 ?? null };
}

function valuesOf(view: PressureView): PsiValues {
  const get = (res: PsiResource) => (view.unavailable ? null : pair(view.readings.find((r) => r.resource === res)));
  return { cpu: get('cpu'), memory: get('memory'), io: get('io'), irq: get('irq') };
}

export function psiPoint(d: Diagnosis, tMonoMs: number): PsiPoint {
  return { tMonoMs, system: valuesOf(d.pressure.system), cgroup: d.pressure.cgroup ? valuesOf(d.pressure.cgroup) : null };
}

/** The avg10 the verdict judges: `some`, or `full` where only it exists (irq). */
export function judged(p: PsiPair | null): number | null {
  return p === null ? null : (p.some ?? p.full);
}

/** Append a point, keeping the newest `max`. */
export function pushPoint<T>(history: readonly T[], point: T, max = PSI_HISTORY_LENGTH): T[] {
  const out = [...history, point];
  return out.length > max ? out.slice(out.length - max) : out;
}

const PALETTE: readonly ChartColor[] = ['yellow', 'cyan', 'magenta', 'green', 'blue', 'white'];
const MAX_SERIES = 6;

/**
 * The resources the chart follows: the one the verdict is about and every contended one; with
 * neither, cpu, memory and io (their `some` lines only, system-wide).
 */
export function chartResources(d: Diagnosis): PsiResource[] {
  const out: PsiResource[] = [];
  const r = d.verdict.resource;
  if (r === 'cpu' || r === 'memory' || r === 'io') out.push(r);
  for (const view of [d.pressure.system, d.pressure.cgroup]) {
    for (const reading of view?.readings ?? []) if (reading.contended && !out.includes(reading.resource)) out.push(reading.resource);
  }
  return out;
}

/** PSI history as a line chart: system and cgroup, some and full, with the contention threshold. */
export function psiChart(d: Diagnosis, points: readonly PsiPoint[]): LineChart {
  const focus = chartResources(d);
  const wanted: { title: string; pick: (p: PsiPoint) => number | null }[] = [];
  const scopes: ['sys' | 'cg', (p: PsiPoint) => PsiValues | null][] = [
    ['sys', (p) => p.system],
    ['cg', (p) => p.cgroup],
  ];
  if (focus.length === 0) {
    for (const res of ['cpu', 'memory', 'io'] as const) wanted.push({ title: `${res} some`, pick: (p) => p.system[res]?.some ?? null });
  } else {
    for (const res of focus) {
      for (const [scope, values] of scopes) {
        for (const lineName of ['some', 'full'] as const) {
          wanted.push({ title: `${scope} ${res} ${lineName}`, pick: (p) => values(p)?.[res]?.[lineName] ?? null });
        }
      }
    }
  }
  const series: ChartSeries[] = [];
  for (const w of wanted) {
    const values = points.map(w.pick);
    // A line the kernel or the scope does not have (cpu full before 5.13, no cgroup) is left out.
    if (values.every((v) => v === null)) continue;
    series.push({ title: w.title, values, color: PALETTE[series.length % PALETTE.length]! });
    if (series.length === MAX_SERIES) break;
  }
  const threshold = d.pressure.system.threshold;
  return { kind: 'line', series, xLabels: agoLabels(points.map((p) => p.tMonoMs)), unit: '%', threshold: { value: threshold, title: 'threshold' }, minTop: threshold * 1.5 };
}
