import { ParseError } from '../procfs/errors.js';

export interface WchanInfo {
  /** The symbol as the kernel printed it, e.g. `poll_schedule_timeout.constprop.0`; null for `0`. */
  readonly symbol: string | null;
  /** The symbol without GCC clone suffixes (`.constprop.0`, `.isra.0`, `.part.0`, `.cold`). */
  readonly base: string | null;
}

/** Drop GCC clone suffixes: everything from the first `.`. */
export function stripSymbolSuffix(symbol: string): string {
  const dot = symbol.indexOf('.');
  return dot > 0 ? symbol.slice(0, dot) : symbol;
}

/**
 * `wchan` is a bare symbol with no newline, or `0` when the task is running, a zombie,
 * or the reader may not see it (another user's task reads `0` too: that is not "running").
 */
export function parseWchan(text: string): WchanInfo {
  const symbol = text.trim();
  if (symbol === '' || symbol === '0') return { symbol: null, base: null };
  if (!/^[A-Za-z0-9_.$]+$/.test(symbol) || symbol.length > 256) {
    throw new ParseError(`not a kernel symbol: ${JSON.stringify(symbol.slice(0, 60))}`, 1);
  }
  return { symbol, base: stripSymbolSuffix(symbol) };
}
