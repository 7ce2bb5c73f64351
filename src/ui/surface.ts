import type { Display } from './charts/model.js';
import type { KeyPress } from './keys.js';
import type { Rect } from './layout.js';
import type { Line, PanelModel } from './text.js';

/** Where a full-screen frame puts its parts (attach's layout is one; top has its own). */
export interface ScreenLayout {
  readonly header: Rect;
  /** attach: the verdict, full width under the header. */
  readonly verdict?: Rect;
  readonly status: Rect;
  /** The area below the header and above the status line (overlays cover it). */
  readonly body: Rect;
  readonly panels: Readonly<Record<string, Rect>>;
}

/**
 * What a surface draws: a message when the terminal is too small, else a header, bordered
 * panels, a status line and an optional overlay (help, detail) over the body. Attach's and
 * top's frames are both of this shape, so both look alike and draw through the same code.
 */
export type ScreenFrame =
  | { readonly kind: 'too-small'; readonly lines: readonly Line[] }
  | {
      readonly kind: 'dashboard';
      readonly layout: ScreenLayout;
      readonly header: readonly Line[];
      /** Drawn in `layout.verdict`. */
      readonly verdict?: readonly Line[];
      readonly status: Line;
      readonly panels: Readonly<Record<string, PanelModel>>;
      readonly overlay: PanelModel | null;
      /** Charts, each a panel with a `chart`: drawn with blessed-contrib where the display allows, else as their lines. */
      readonly charts?: readonly ChartPlacement[];
      /** The charts cover the body (the `v` overlay) rather than sit among the panels. */
      readonly chartsInFront?: boolean;
    };

export interface ChartPlacement {
  readonly id: string;
  readonly rect: Rect;
  readonly panel: PanelModel;
}

/**
 * Where frames are drawn. The dashboards talk only to this: blessed behind it in a terminal,
 * a plain recorder in tests.
 */
export interface Surface {
  size(): { cols: number; rows: number };
  /** What the terminal can show: colour (not NO_COLOR) and Unicode (a UTF-8 locale). */
  readonly display: Display;
  draw(frame: ScreenFrame): void;
  onKey(handler: (key: KeyPress) => void): void;
  onResize(handler: () => void): void;
  /** Restore the terminal. Safe to call more than once, and from an `exit` handler (synchronous). */
  destroy(): void;
}
