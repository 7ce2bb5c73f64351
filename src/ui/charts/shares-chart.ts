import type { Diagnosis } from '../../diagnose/types.js';
import type { WaitKind } from '../../kernel/wait-kinds.js';
import { agoLabels, type ChartColor, type ChartSeries, type LineChart } from './model.js';

/** One interval's time shares: average threads running, runnable and in each wait kind. */
export interface SharesPoint {
  readonly tMonoMs: number;
  readonly running: number | null;
  readonly runnable: number | null;
  readonly waits: Readonly<Partial<Record<WaitKind, number>>>;
}

/** The interval's shares of a diagnosis (null for a first sample, which has no interval). */
export function sharesPoint(d: Diagnosis, tMonoMs: number): SharesPoint | null {
  const s = d.process.shares;
  if (!s) return null;
  const waits: Partial<Record<WaitKind, number>> = {};
  for (const w of s.waits) waits[w.kind] = (waits[w.kind] ?? 0) + w.avgThreads;
  return { tMonoMs, running: s.running, runnable: s.runnable, waits };
}

const PALETTE: readonly ChartColor[] = ['magenta', 'cyan', 'yellow', 'blue'];
/** Running and runnable, then the waits that rose highest; the rest are summed as one line. */
const MAX_WAIT_SERIES = 4;

/**
 * The process's time shares over the last minutes, one line per state: running (green),
 * runnable (waiting for a CPU), and the waits that rose highest in the window, so a stall that
 * comes and goes shows as a peak in its line.
 */
export function sharesChart(points: readonly SharesPoint[]): LineChart {
  const peaks = new Map<WaitKind, number>();
  for (const p of points) for (const [k, v] of Object.entries(p.waits) as [WaitKind, number][]) peaks.set(k, Math.max(peaks.get(k) ?? 0, v));
  const ranked = [...peaks.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const named = ranked.slice(0, MAX_WAIT_SERIES);
  const rest = ranked.slice(MAX_WAIT_SERIES);
  const series: ChartSeries[] = [
    { title: 'running', values: points.map((p) => p.running), color: 'green' },
    { title: 'runnable', values: points.map((p) => p.runnable), color: 'red' },
    ...named.map((k, i) => ({ title: k, values: points.map((p) => p.waits[k] ?? 0), color: PALETTE[i % PALETTE.length]! })),
  ];
  if (rest.length > 0) series.push({ title: `${rest.length} other waits`, values: points.map((p) => rest.reduce((n, k) => n + (p.waits[k] ?? 0), 0)), color: 'white' });
  return { kind: 'line', series: series.filter((s) => s.values.some((v) => v !== null)), xLabels: agoLabels(points.map((p) => p.tMonoMs)), unit: 'threads', threshold: null, minTop: 1 };
}
