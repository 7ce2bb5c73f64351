import type { KeyPress } from './keys.js';
import type { Frame } from './view-models.js';

/**
 * Where frames are drawn. The dashboard talks only to this: blessed behind it in a terminal,
 * a plain recorder in tests.
 */
export interface Surface {
  size(): { cols: number; rows: number };
  draw(frame: Frame): void;
  onKey(handler: (key: KeyPress) => void): void;
  onResize(handler: () => void): void;
  /** Restore the terminal. Safe to call more than once, and from an `exit` handler (synchronous). */
  destroy(): void;
}
