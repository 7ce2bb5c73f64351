import type { Intent } from './keys.js';

/** How the thread table is ordered; `s` cycles through them in this order. */
export const SORT_KEYS = ['wait', 'cpu', 'switches', 'tid'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SORT_LABELS: Readonly<Record<SortKey, string>> = {
  wait: 'wait kind',
  cpu: 'CPU %',
  switches: 'ctx switches/s',
  tid: 'tid',
};

export type Overlay = 'none' | 'help' | 'detail' | 'tree' | 'charts';

/** Everything the dashboard remembers between frames apart from the data itself. */
export interface UiState {
  /** Key of the selected row (`t:<tid>` or `g:<group key>`), kept across refreshes. */
  readonly selectedKey: string | null;
  /** Its position last frame: where the selection lands when its row disappears. */
  readonly selectedIndex: number;
  /** First visible row of the thread table. */
  readonly scrollTop: number;
  readonly sort: SortKey;
  readonly grouped: boolean;
  /** Live: sampling stopped. Replay: not auto-playing. */
  readonly paused: boolean;
  readonly overlay: Overlay;
  /** First line shown of a long overlay (PgUp/PgDn; ↑↓ too in help and the tree). */
  readonly overlayScroll: number;
  /** Replay: the sample on screen. */
  readonly replayIndex: number;
}

/** What the reducer needs to know about the frame on screen. */
export interface RowContext {
  /** Row keys in display order. */
  readonly rowKeys: readonly string[];
  /** Visible rows of the thread table. */
  readonly pageSize: number;
  /** Replay: number of samples; null live. */
  readonly sampleCount: number | null;
}

export function initialState(options: { replayIndex?: number; paused?: boolean } = {}): UiState {
  return {
    selectedKey: null,
    selectedIndex: 0,
    scrollTop: 0,
    sort: 'wait',
    grouped: false,
    paused: options.paused ?? false,
    overlay: 'none',
    overlayScroll: 0,
    replayIndex: options.replayIndex ?? 0,
  };
}

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

function select(state: UiState, index: number, ctx: RowContext): UiState {
  const n = ctx.rowKeys.length;
  if (n === 0) return { ...state, selectedKey: null, selectedIndex: 0, scrollTop: 0 };
  const i = clamp(index, 0, n - 1);
  const page = Math.max(1, ctx.pageSize);
  let top = clamp(state.scrollTop, 0, Math.max(0, n - page));
  if (i < top) top = i;
  else if (i >= top + page) top = i - page + 1;
  return { ...state, selectedKey: ctx.rowKeys[i] ?? null, selectedIndex: i, scrollTop: top };
}

/**
 * Re-find the selection in a new frame's rows (a thread may have exited, the order may
 * have changed) and keep it visible. Called once per frame before drawing.
 */
export function reconcile(state: UiState, ctx: RowContext): UiState {
  const found = state.selectedKey === null ? -1 : ctx.rowKeys.indexOf(state.selectedKey);
  const index = found >= 0 ? found : state.selectedIndex;
  const next = select(state, index, ctx);
  const replayIndex = ctx.sampleCount === null ? next.replayIndex : clamp(next.replayIndex, 0, Math.max(0, ctx.sampleCount - 1));
  return replayIndex === next.replayIndex ? next : { ...next, replayIndex };
}

function cycle<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length]!;
}

function scrollOverlay(state: UiState, delta: number): UiState {
  return { ...state, overlayScroll: Math.max(0, state.overlayScroll + delta) };
}

function toggle(state: UiState, overlay: Overlay): UiState {
  return { ...state, overlay: state.overlay === overlay ? 'none' : overlay, overlayScroll: 0 };
}

/** Apply one intent. Side effects (quit, capture) are the dashboard's; here they change nothing. */
export function reduce(state: UiState, intent: Intent, ctx: RowContext): UiState {
  // Help and the whole tree are text to read: the arrows scroll them. In the thread detail
  // the arrows pick another thread and only the page keys scroll.
  const reading = state.overlay === 'help' || state.overlay === 'tree';
  switch (intent.type) {
    case 'move':
      if (reading) return scrollOverlay(state, intent.delta);
      return { ...select(state, state.selectedIndex + intent.delta, ctx), overlayScroll: 0 };
    case 'page':
      if (state.overlay !== 'none') return scrollOverlay(state, intent.delta * Math.max(1, ctx.pageSize - 1));
      return select(state, state.selectedIndex + intent.delta * Math.max(1, ctx.pageSize - 1), ctx);
    case 'first':
      if (state.overlay !== 'none') return { ...state, overlayScroll: 0 };
      return select(state, 0, ctx);
    case 'last':
      if (state.overlay !== 'none') return scrollOverlay(state, Number.MAX_SAFE_INTEGER / 2);
      return select(state, ctx.rowKeys.length - 1, ctx);
    case 'open':
      return toggle(state, 'detail');
    case 'close':
      return { ...state, overlay: 'none', overlayScroll: 0 };
    case 'help':
      return toggle(state, 'help');
    case 'tree':
      return toggle(state, 'tree');
    case 'charts':
      return toggle(state, 'charts');
    case 'sort':
      return { ...state, sort: cycle(SORT_KEYS, state.sort) };
    case 'group':
      // Rows change meaning (threads ↔ groups): start the selection at the top.
      return { ...state, grouped: !state.grouped, selectedKey: null, selectedIndex: 0, scrollTop: 0 };
    case 'pause':
      return { ...state, paused: !state.paused };
    case 'step': {
      if (ctx.sampleCount === null) return state;
      return { ...state, replayIndex: clamp(state.replayIndex + intent.delta, 0, Math.max(0, ctx.sampleCount - 1)) };
    }
    case 'quit':
    case 'capture':
      return state;
  }
}
