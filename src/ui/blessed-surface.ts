import type { Widgets } from 'blessed';
import { drawsCharts, type Display } from './charts/model.js';
import { fillLineWidget, loadLineWidget, makeLineWidget, type LineWidget, type LineWidgetFactory } from './charts/contrib.js';
import type { Rect } from './layout.js';
import type { KeyPress } from './keys.js';
import type { ScreenFrame, Surface } from './surface.js';
import { toTags } from './tags.js';
import type { Line, PanelModel } from './text.js';

type Box = Widgets.BoxElement;

export interface BlessedSurfaceOptions {
  readonly colors: boolean;
  readonly title: string;
}

/**
 * blessed's terminal program runs `tmux -V` (through PATH) when $TMUX is set, to pick a mouse
 * protocol for tmux 2 and later: proctriage runs no program, so the program is made with TMUX
 * hidden and then told it is in tmux at version 2 — blessed's own answer when tmux cannot be
 * asked. Nothing else in blessed reads TMUX.
 */
function withoutTmuxProbe<T extends { program: { tmux: boolean; tmuxVersion: number } }>(make: () => T): T {
  const tmux = process.env.TMUX;
  if (tmux === undefined) return make();
  delete process.env.TMUX;
  try {
    const made = make();
    made.program.tmux = true;
    made.program.tmuxVersion = 2;
    return made;
  } finally {
    process.env.TMUX = tmux;
  }
}

/** The only blessed code: boxes placed from the layout's rects, filled with tagged lines (attach and top). */
export async function openBlessedSurface(options: BlessedSurfaceOptions): Promise<Surface> {
  const blessed = (await import('blessed')).default;
  const screen = withoutTmuxProbe(() =>
    blessed.screen({
      smartCSR: true,
      fullUnicode: false,
      autoPadding: false,
      warnings: false,
      title: options.title,
      // Resizes arrive as one event after the window settles.
      resizeTimeout: 100,
    }),
  );
  // In a UTF-8 locale draw lines as Unicode, not the DEC line-drawing set: they then copy,
  // paste and show in `tmux capture-pane` as lines (ncurses' NCURSES_NO_UTF8_ACS).
  const tput = (screen.program as unknown as { tput?: { unicode?: boolean; brokenACS?: boolean; numbers?: { U8?: number } } }).tput;
  if (tput?.unicode) tput.brokenACS = true;
  // As blessed decides whether to send a character above `~` (else it sends `?`).
  const display: Display = { colors: options.colors, unicode: tput?.unicode === true || tput?.numbers?.U8 === 1 };
  // Border colour goes through `style` (the typings want a number for border.fg).
  const border: Widgets.Border = { type: 'line' };
  const style = options.colors ? { border: { fg: 'cyan' }, label: { bold: true } } : { label: { bold: true } };
  const box = (bordered: boolean): Box =>
    blessed.box({ parent: screen, tags: true, wrap: false, hidden: true, ...(bordered ? { border, style } : {}) });
  const header = box(false);
  const verdict = box(false);
  const status = box(false);
  const overlay = box(true);
  const message = box(false);
  // A bordered box per panel id, made when a frame first names it.
  const panels = new Map<string, Box>();
  const panel = (id: string): Box => {
    let b = panels.get(id);
    if (!b) panels.set(id, (b = box(true)));
    return b;
  };
  let destroyed = false;
  // Charts: a text box per chart id (the fallback, and while blessed-contrib loads), and a
  // blessed-contrib line widget once it has loaded. It is loaded the first time a frame holds a
  // chart this terminal can draw: a run that never shows one never loads it.
  const chartText = new Map<string, Box>();
  const chartWidgets = new Map<string, { widget: LineWidget; rect: Rect; data: string; label: string }>();
  let lineFactory: LineWidgetFactory | null = null;
  let loading = false;
  let lastFrame: ScreenFrame | null = null;
  let chartsInFront = false;

  const tagged = (lines: readonly Line[]) => lines.map((l) => toTags(l, options.colors)).join('\n');
  // Most of a frame is what the last one was: touch a box only where something changed,
  // so blessed re-parses and re-lays out as little as possible each tick.
  const last = new Map<Box, { rect: Rect | null; label: string; content: string; visible: boolean }>();
  const memo = (b: Box) => {
    let m = last.get(b);
    if (!m) last.set(b, (m = { rect: null, label: '', content: '', visible: false }));
    return m;
  };
  // What this frame changed: boxes with new text or a new label only, or anything that moves,
  // shows or hides a box (then every box is drawn again: the old place of a box must be cleared).
  const changedText = new Set<Box>();
  let layoutChanged = true;
  const place = (b: Box, r: Rect) => {
    const m = memo(b);
    if (m.rect && m.rect.top === r.top && m.rect.left === r.left && m.rect.width === r.width && m.rect.height === r.height) return;
    m.rect = r;
    layoutChanged = true;
    b.top = r.top;
    b.left = r.left;
    b.width = r.width;
    b.height = r.height;
  };
  const setContent = (b: Box, content: string) => {
    const m = memo(b);
    if (m.content === content) return;
    b.setContent((m.content = content));
    changedText.add(b);
  };
  const setVisible = (b: Box, visible: boolean) => {
    const m = memo(b);
    if (m.visible === visible) return;
    m.visible = visible;
    layoutChanged = true;
    if (visible) b.show();
    else b.hide();
  };
  const fill = (b: Box, r: Rect, p: PanelModel) => {
    place(b, r);
    const label = ` ${toTags([{ text: p.title, tone: p.titleTone ?? 'bold' }], options.colors)} `;
    const m = memo(b);
    if (m.label !== label) {
      // The label is a child of the box, painted over its top border with it.
      b.setLabel((m.label = label));
      changedText.add(b);
    }
    setContent(b, tagged(p.lines));
    setVisible(b, true);
  };
  /**
   * blessed's screen.render() lays out and paints every box, then sends what differs. When
   * only the text of some boxes changed (the usual tick: a new PSI point, new rates), paint
   * just those boxes and compare just their rows: the boxes do not overlap (the overlay and
   * the too-small message always take the full path).
   */
  const render = () => {
    if (layoutChanged || chartsInFront || memo(overlay).visible || memo(message).visible) {
      screen.render();
    } else {
      for (const b of changedText) {
        b.render();
        const r = memo(b).rect;
        if (r) screen.draw(r.top, Math.min(Number(screen.height), r.top + r.height) - 1);
      }
      for (const c of changedCharts) {
        c.widget.render();
        screen.draw(c.rect.top, Math.min(Number(screen.height), c.rect.top + c.rect.height) - 1);
      }
    }
    layoutChanged = false;
    changedText.clear();
    changedCharts.clear();
  };
  const changedCharts = new Set<{ widget: LineWidget; rect: Rect }>();
  const removeWidget = (id: string) => {
    const c = chartWidgets.get(id);
    if (!c) return;
    c.widget.destroy();
    chartWidgets.delete(id);
    layoutChanged = true;
  };
  // Until it has loaded, the chart is drawn as its text; the frame is drawn again once it has.
  const startLoading = () => {
    if (loading) return;
    loading = true;
    loadLineWidget().then(
      (factory) => {
        lineFactory = factory;
        if (!destroyed && lastFrame) draw(lastFrame);
      },
      () => {
        // Without blessed-contrib the charts stay as text: still readable.
      },
    );
  };
  const chartWidget = (id: string, rect: Rect, p: PanelModel): boolean => {
    if (!p.chart || !drawsCharts(display) || p.chart.series.length === 0 || p.chart.xLabels.length < 2) return false;
    if (!lineFactory) {
      startLoading();
      return false;
    }
    let c = chartWidgets.get(id);
    const r = c?.rect;
    if (c && r && (r.top !== rect.top || r.left !== rect.left || r.width !== rect.width || r.height !== rect.height)) {
      removeWidget(id);
      c = undefined;
    }
    if (!c) {
      c = { widget: makeLineWidget(lineFactory, screen, rect, p.chart), rect, data: '', label: '' };
      chartWidgets.set(id, c);
      layoutChanged = true;
    }
    const label = ` ${toTags([{ text: p.title, tone: p.titleTone ?? 'bold' }], options.colors)} `;
    if (c.label !== label) {
      c.widget.setLabel((c.label = label));
      changedCharts.add(c);
    }
    const data = JSON.stringify(p.chart);
    if (c.data !== data) {
      c.data = data;
      fillLineWidget(c.widget, p.chart);
      changedCharts.add(c);
    }
    if (chartsInFront) c.widget.setFront();
    return true;
  };
  const drawCharts = (placements: readonly { id: string; rect: Rect; panel: PanelModel }[]) => {
    const shown = new Set(placements.map((c) => c.id));
    for (const id of [...chartWidgets.keys()]) if (!shown.has(id)) removeWidget(id);
    for (const [id, b] of chartText) if (!shown.has(id)) setVisible(b, false);
    for (const c of placements) {
      let text = chartText.get(c.id);
      if (!text) chartText.set(c.id, (text = box(true)));
      if (chartWidget(c.id, c.rect, c.panel)) setVisible(text, false);
      else {
        removeWidget(c.id);
        fill(text, c.rect, c.panel);
        if (chartsInFront) text.setFront();
      }
    }
  };
  const all = () => [header, verdict, status, overlay, message, ...panels.values(), ...chartText.values()];

  function draw(frame: ScreenFrame): void {
      if (destroyed) return;
      lastFrame = frame;
      if (frame.kind === 'too-small') {
        for (const id of [...chartWidgets.keys()]) removeWidget(id);
        for (const b of all()) if (b !== message) setVisible(b, false);
        place(message, { top: 0, left: 0, width: Number(screen.width), height: Number(screen.height) });
        setContent(message, tagged(frame.lines));
        setVisible(message, true);
      } else {
        const { layout } = frame;
        setVisible(message, false);
        place(header, layout.header);
        setContent(header, tagged(frame.header));
        setVisible(header, true);
        place(status, layout.status);
        setContent(status, tagged([frame.status]));
        setVisible(status, true);
        if (layout.verdict && frame.verdict) {
          place(verdict, layout.verdict);
          setContent(verdict, tagged(frame.verdict));
          setVisible(verdict, true);
        } else setVisible(verdict, false);
        for (const [id, b] of panels) if (!(id in frame.panels)) setVisible(b, false);
        for (const [id, p] of Object.entries(frame.panels)) {
          const rect = layout.panels[id];
          if (rect) fill(panel(id), rect, p);
        }
        const front = frame.chartsInFront === true;
        if (front !== chartsInFront) layoutChanged = true;
        chartsInFront = front;
        drawCharts(frame.charts ?? []);
        if (frame.overlay) {
          fill(overlay, layout.body, frame.overlay);
          overlay.setFront();
        } else setVisible(overlay, false);
      }
      render();
  }

  return {
    size: () => ({ cols: Number(screen.width), rows: Number(screen.height) }),
    display,
    draw,
    onKey(handler) {
      screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => {
        const press: KeyPress = { ch, name: key?.name, ctrl: key?.ctrl };
        handler(press);
      });
    },
    onResize(handler) {
      screen.on('resize', () => {
        // blessed has reallocated its buffers: the next frame paints everything.
        layoutChanged = true;
        handler();
      });
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
    },
  };
}
