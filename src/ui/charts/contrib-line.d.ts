// blessed-contrib's line chart, loaded by its own path (the package's index loads every widget,
// the world map and a markdown renderer among them: ≈ 50 ms more).
declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';

  interface LineData {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string };
  }

  interface LineElement extends Widgets.BoxElement {
    options: { maxY?: number };
    setData(data: LineData[]): void;
  }

  const line: (options: Record<string, unknown>) => LineElement;
  export default line;
}
