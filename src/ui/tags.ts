import { terminalSafe } from '../report/terminal-safe.js';
import type { Line, Tone } from './text.js';

/** blessed tags per tone. Without colour (NO_COLOR) only bold and inverse remain. */
const COLOR_TAGS: Readonly<Record<Tone, readonly [string, string]>> = {
  plain: ['', ''],
  bold: ['{bold}', '{/bold}'],
  dim: ['{gray-fg}', '{/gray-fg}'],
  good: ['{green-fg}', '{/green-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  bad: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  accent: ['{cyan-fg}', '{/cyan-fg}'],
  selected: ['{inverse}', '{/inverse}'],
  badge: ['{inverse}{bold}', '{/bold}{/inverse}'],
};

const PLAIN_TAGS: Readonly<Record<Tone, readonly [string, string]>> = {
  ...COLOR_TAGS,
  dim: ['', ''],
  good: ['', ''],
  warn: ['{bold}', '{/bold}'],
  bad: ['{bold}', '{/bold}'],
  accent: ['', ''],
};

/** Text from /proc may hold braces: they must not be read as tags. */
/**
 * Text for a blessed box: braces escaped (blessed would read them as tags) and control
 * characters shown as `\xNN` — a comm or file name from /proc may hold escape sequences that
 * would otherwise reach the terminal.
 */
export function escapeTags(s: string): string {
  return terminalSafe(s).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

export function toTags(l: Line, colors: boolean): string {
  const table = colors ? COLOR_TAGS : PLAIN_TAGS;
  return l.map((s) => (s.text.length === 0 ? '' : `${table[s.tone][0]}${escapeTags(s.text)}${table[s.tone][1]}`)).join('');
}
