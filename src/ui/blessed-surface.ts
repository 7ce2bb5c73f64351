import type { Widgets } from 'blessed';
import { PANEL_IDS, type PanelId, type Rect } from './layout.js';
import type { KeyPress } from './keys.js';
import type { Surface } from './surface.js';
import { toTags } from './tags.js';
import type { Line, PanelModel } from './text.js';
import type { Frame } from './view-models.js';

type Box = Widgets.BoxElement;

export interface BlessedSurfaceOptions {
  readonly colors: boolean;
  readonly title: string;
}

/** The only blessed code: boxes placed from the layout's rects, filled with tagged lines. */
export async function openBlessedSurface(options: BlessedSurfaceOptions): Promise<Surface> {
  const blessed = (await import('blessed')).default;
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: false,
    autoPadding: false,
    warnings: false,
    title: options.title,
    // Resizes arrive as one event after the window settles.
    resizeTimeout: 100,
  });
  // In a UTF-8 locale draw lines as Unicode, not the DEC line-drawing set: they then copy,
  // paste and show in `tmux capture-pane` as lines (ncurses' NCURSES_NO_UTF8_ACS).
  const tput = (screen.program as unknown as { tput?: { unicode?: boolean; brokenACS?: boolean } }).tput;
  if (tput?.unicode) tput.brokenACS = true;
  // Border colour goes through `style` (the typings want a number for border.fg).
  const border: Widgets.Border = { type: 'line' };
  const style = options.colors ? { border: { fg: 'cyan' }, label: { bold: true } } : { label: { bold: true } };
  const box = (bordered: boolean): Box =>
    blessed.box({ parent: screen, tags: true, wrap: false, hidden: true, ...(bordered ? { border, style } : {}) });
  const header = box(false);
  const status = box(false);
  const panels = Object.fromEntries(PANEL_IDS.map((id) => [id, box(true)])) as Record<PanelId, Box>;
  const overlay = box(true);
  const message = box(false);
  let destroyed = false;

  const tagged = (lines: readonly Line[]) => lines.map((l) => toTags(l, options.colors)).join('\n');
  const place = (b: Box, r: Rect) => {
    b.top = r.top;
    b.left = r.left;
    b.width = r.width;
    b.height = r.height;
  };
  const fill = (b: Box, r: Rect, p: PanelModel) => {
    place(b, r);
    b.setLabel(` ${toTags([{ text: p.title, tone: p.titleTone ?? 'bold' }], options.colors)} `);
    b.setContent(tagged(p.lines));
    b.show();
  };
  const hideAll = () => [header, status, overlay, message, ...Object.values(panels)].forEach((b) => b.hide());

  return {
    size: () => ({ cols: Number(screen.width), rows: Number(screen.height) }),
    draw(frame: Frame) {
      if (destroyed) return;
      hideAll();
      if (frame.kind === 'too-small') {
        place(message, { top: 0, left: 0, width: Number(screen.width), height: Number(screen.height) });
        message.setContent(tagged(frame.lines));
        message.show();
      } else {
        const { layout } = frame;
        place(header, layout.header);
        header.setContent(tagged(frame.header));
        header.show();
        place(status, layout.status);
        status.setContent(tagged([frame.status]));
        status.show();
        for (const id of PANEL_IDS) fill(panels[id], layout.panels[id], frame.panels[id]);
        if (frame.overlay) {
          fill(overlay, layout.body, frame.overlay);
          overlay.setFront();
        }
      }
      screen.render();
    },
    onKey(handler) {
      screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => {
        const press: KeyPress = { ch, name: key?.name, ctrl: key?.ctrl };
        handler(press);
      });
    },
    onResize(handler) {
      screen.on('resize', handler);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
    },
  };
}
