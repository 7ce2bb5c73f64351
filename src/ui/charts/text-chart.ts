import { padEnd } from '../../report/format.js';
import { fitPanel, line, seg, type Line, type Size } from '../text.js';
import type { LineChart } from './model.js';
import { sparkline, thresholdBar } from './sparkline.js';

/** The highest value a chart holds (at least its `minTop`). */
export function chartTop(chart: LineChart): number {
  let top = chart.minTop;
  for (const s of chart.series) for (const v of s.values) if (v !== null && v > top) top = v;
  return top;
}

const figure = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toFixed(1));

/**
 * A chart as text, for terminals that cannot draw it (NO_COLOR, no Unicode): a scale line, then
 * one row per series — its name, its newest value and its history as a sparkline — so series
 * are told apart by their row, not by colour.
 */
export function chartTextLines(chart: LineChart, size: Size, unicode: boolean): Line[] {
  const nameWidth = Math.min(18, Math.max(6, ...chart.series.map((s) => s.title.length)) + 1);
  const sparkWidth = Math.max(0, size.width - nameWidth - 7);
  const top = chartTop(chart);
  const scaleNote = chart.threshold
    ? `${chart.unit}, newest on the right; ${thresholdBar(unicode)} reaches the ${chart.threshold.title} (${chart.threshold.value} ${chart.unit}), taller is over it`
    : `${chart.unit}, newest on the right; the tallest bar is ${figure(top)} ${chart.unit}`;
  const span = chart.xLabels.length > 1 ? ` · ${chart.xLabels[Math.max(0, chart.xLabels.length - sparkWidth)]} … ${chart.xLabels[chart.xLabels.length - 1]}` : '';
  const out: Line[] = [line(seg(`${scaleNote}${span}`, 'dim'))];
  for (const s of chart.series) {
    const scale = chart.threshold ? { threshold: chart.threshold.value, unicode } : { top, unicode };
    out.push(line(padEnd(s.title, nameWidth), seg(figure(s.values[s.values.length - 1]).padStart(6), 'bold'), ' ', ...sparkline(s.values, sparkWidth, scale)));
  }
  if (chart.series.length === 0) out.push(line(seg('nothing measured yet', 'dim')));
  return fitPanel(out, size);
}
