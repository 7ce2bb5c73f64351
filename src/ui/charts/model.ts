/**
 * A chart as data: what the dashboards want drawn, pure. The blessed surface draws it with a
 * blessed-contrib line chart when the terminal has colour and Unicode; otherwise (NO_COLOR,
 * LANG=C) the panel's text lines — one labelled sparkline per series — stand in for it.
 */

/** Colours a series may take (blessed-contrib's names). */
export type ChartColor = 'red' | 'yellow' | 'green' | 'cyan' | 'magenta' | 'blue' | 'white';

export interface ChartSeries {
  readonly title: string;
  /** Oldest first; null where nothing was measured. */
  readonly values: readonly (number | null)[];
  readonly color: ChartColor;
}

export interface LineChart {
  readonly kind: 'line';
  readonly series: readonly ChartSeries[];
  /** One label per point (the same length as every series' values). */
  readonly xLabels: readonly string[];
  /** The unit of the values, for the text rendering's figures (`%`, `threads`). */
  readonly unit: string;
  /** A level drawn as a line of its own (PSI's contention threshold). */
  readonly threshold: { readonly value: number; readonly title: string } | null;
  /** The top of the y axis: at least this (so a flat zero line still has a scale). */
  readonly minTop: number;
}

/** How a terminal can show a chart: drawn (colour and Unicode), or as text with Unicode or ASCII bars. */
export interface Display {
  readonly colors: boolean;
  readonly unicode: boolean;
}

export const FULL_DISPLAY: Display = { colors: true, unicode: true };

/** Charts are drawn only where series can be told apart by colour and the braille dots show. */
export function drawsCharts(display: Display): boolean {
  return display.colors && display.unicode;
}

/** Labels `-4m`, `-30s`, `now` from each point's monotonic time (ms) against the newest. */
export function agoLabels(times: readonly number[]): string[] {
  const newest = times[times.length - 1] ?? 0;
  return times.map((t) => {
    const s = Math.round((newest - t) / 1000);
    if (s === 0) return 'now';
    return s >= 120 ? `-${Math.round(s / 60)}m` : `-${s}s`;
  });
}
