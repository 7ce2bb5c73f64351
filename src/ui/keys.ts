/**
 * Key → intent. Pure: the dashboard's only key handler looks the key up here and hands the
 * intent to the state reducer (htop's lesson: handlers return intents, the loop applies them).
 */

export type Intent =
  /** q quits, or goes back to top when attach was opened from it; Q (`all`) always quits. */
  | { readonly type: 'quit'; readonly all?: boolean }
  | { readonly type: 'charts' }
  | { readonly type: 'help' }
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'page'; readonly delta: number }
  | { readonly type: 'first' }
  | { readonly type: 'last' }
  | { readonly type: 'open' }
  | { readonly type: 'close' }
  | { readonly type: 'sort' }
  | { readonly type: 'group' }
  | { readonly type: 'pause' }
  | { readonly type: 'capture' }
  | { readonly type: 'tree' }
  | { readonly type: 'step'; readonly delta: number };

/** What blessed reports for a key press (the parts we use). */
export interface KeyPress {
  /** Character typed, when printable. */
  readonly ch?: string | undefined;
  /** blessed key name: `up`, `enter`, `escape`, `q`, `c` (with ctrl), … */
  readonly name?: string | undefined;
  readonly ctrl?: boolean | undefined;
}

export type KeyMode = 'live' | 'replay';

const BY_NAME: Readonly<Record<string, Intent>> = {
  up: { type: 'move', delta: -1 },
  down: { type: 'move', delta: 1 },
  pageup: { type: 'page', delta: -1 },
  pagedown: { type: 'page', delta: 1 },
  home: { type: 'first' },
  end: { type: 'last' },
  // blessed reports Return twice, as `return` then `enter`: only `enter` counts.
  enter: { type: 'open' },
  escape: { type: 'close' },
};

const BY_CHAR: Readonly<Record<string, Intent>> = {
  q: { type: 'quit' },
  Q: { type: 'quit', all: true },
  v: { type: 'charts' },
  '?': { type: 'help' },
  h: { type: 'help' },
  j: { type: 'move', delta: 1 },
  k: { type: 'move', delta: -1 },
  s: { type: 'sort' },
  g: { type: 'group' },
  p: { type: 'pause' },
  c: { type: 'capture' },
  t: { type: 'tree' },
};

export function intentForKey(key: KeyPress, mode: KeyMode): Intent | null {
  if (key.ctrl) return key.name === 'c' ? { type: 'quit', all: true } : null;
  if (key.name === 'left' || key.name === 'right') {
    return mode === 'replay' ? { type: 'step', delta: key.name === 'left' ? -1 : 1 } : null;
  }
  const named = key.name !== undefined ? BY_NAME[key.name] : undefined;
  if (named) return named;
  return key.ch !== undefined ? (BY_CHAR[key.ch] ?? null) : null;
}

/**
 * The keys as the status line and the help screen list them. `fromTop`: attach was opened
 * from top, where q and Esc go back to.
 */
export function keyHelp(mode: KeyMode, fromTop = false): readonly (readonly [string, string])[] {
  return [
    ...(fromTop ? ([['q Esc', 'back to top'], ['Q', 'quit']] as const) : ([['q', 'quit']] as const)),
    ['?', 'help'],
    ['↑↓ j k', 'select'],
    ['Enter', 'detail'],
    ['s', 'sort'],
    ['g', 'group'],
    ['t', 'tree'],
    ['v', 'charts'],
    ...(mode === 'replay' ? ([['←→', 'step'], ['p', 'play']] as const) : ([['p', 'pause'], ['c', 'capture']] as const)),
  ];
}
