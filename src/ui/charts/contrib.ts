import type { Widgets } from 'blessed';
import type { Rect } from '../layout.js';
import type { LineChart } from './model.js';
import { chartTop } from './text-chart.js';

/** blessed-contrib's line chart constructor, loaded only when a chart is first drawn. */
export type LineWidgetFactory = (options: Record<string, unknown>) => LineWidget;

export interface LineWidget extends Widgets.BoxElement {
  options: { maxY?: number };
  setData(data: { title: string; x: string[]; y: number[]; style?: { line?: string } }[]): void;
}

/**
 * Loads blessed-contrib's line chart by its own module path: `blessed-contrib` itself requires
 * every widget (the world map, the markdown renderer, picture decoders), ≈ 50 ms more.
 */
export async function loadLineWidget(): Promise<LineWidgetFactory> {
  const mod = await import('blessed-contrib/lib/widget/charts/line.js');
  return mod.default as unknown as LineWidgetFactory;
}

/** A chart's widget placed at `rect`, bordered and labelled like a panel. Its canvas is sized once: a new rect needs a new widget. */
export function makeLineWidget(factory: LineWidgetFactory, screen: Widgets.Screen, rect: Rect, chart: LineChart): LineWidget {
  const legendWidth = Math.min(22, Math.max(10, ...chart.series.map((s) => s.title.length + 2), chart.threshold ? chart.threshold.title.length + 8 : 0));
  // Appended after it is made: the canvas is made on the `attach` event, which a `parent`
  // option would fire before blessed-contrib listens for it.
  const widget = factory({
    top: rect.top,
    left: rect.left,
    width: rect.width,
    height: rect.height,
    border: { type: 'line' },
    style: { line: 'yellow', text: 'white', baseline: 'white', border: { fg: 'cyan' }, label: { bold: true } },
    tags: true,
    showLegend: true,
    legend: { width: legendWidth },
    xLabelPadding: 3,
    xPadding: 5,
    numYLabels: 4,
    minY: 0,
    wholeNumbersOnly: false,
  });
  screen.append(widget);
  return widget;
}

/** The chart's series as blessed-contrib's data; the threshold is a flat red line of its own. */
export function lineData(chart: LineChart): { title: string; x: string[]; y: number[]; style: { line: string } }[] {
  const x = [...chart.xLabels];
  // A missing value is drawn at zero (contrib has no gaps); the text rendering leaves it blank.
  const data = chart.series.map((s) => ({ title: s.title, x, y: s.values.map((v) => v ?? 0), style: { line: s.color } }));
  if (chart.threshold) data.push({ title: `${chart.threshold.title} ${chart.threshold.value}`, x, y: x.map(() => chart.threshold!.value), style: { line: 'red' } });
  return data;
}

/** Draw the chart's data in its widget (the y axis from 0 to a little over the highest value). */
export function fillLineWidget(widget: LineWidget, chart: LineChart): void {
  widget.options.maxY = Math.max(chart.minTop, chartTop(chart) * 1.15);
  widget.setData(lineData(chart));
}
