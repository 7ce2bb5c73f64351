import { keyHelp, type KeyMode } from '../keys.js';
import { SORT_LABELS, type UiState } from '../state.js';
import { fitLine, line, seg, type Line, type Segment } from '../text.js';

export type KeyList = readonly (readonly [string, string])[];

/** The bottom line: a message (capture written, …) if any, then every key. */
export function statusLine(mode: KeyMode, message: string | null, width: number, fromTop = false): Line {
  return keysStatusLine(keyHelp(mode, fromTop), message, width);
}

/** A status line for any dashboard's keys (attach's, top's). */
export function keysStatusLine(keyList: KeyList, message: string | null, width: number): Line {
  const keys: Segment[] = keyList.flatMap(([k, what]) => [seg(` ${k}`, 'bold'), seg(` ${what} `)]);
  const lead: Segment[] = message ? [seg(` ${message} `, 'badge'), seg(' ')] : [];
  return fitLine(line(...lead, ...keys), width);
}

/** One help line per key: the key in bold in a 12-column cell, then what it does. */
export function keyLines(keyList: KeyList): Line[] {
  return keyList.map(([k, what]) => line(seg(`  ${k}`.padEnd(12), 'bold'), what));
}

/** The `?` overlay: the keys, and how to read the screen. */
export function helpLines(mode: KeyMode, ui: UiState, fromTop = false): Line[] {
  return [
    line(seg('keys', 'bold')),
    ...keyLines([
      ...keyHelp(mode, fromTop).map(([k, what]): readonly [string, string] =>
        k === 'q Esc' ? [k, 'back to top, at the row this process was opened from'] : k === 'Q' ? [k, 'quit proctriage (top too)'] : k === 'v' ? [k, 'charts over the whole body: PSI history and time shares (v or Esc closes)'] : [k, what],
      ),
      ['PgUp PgDn', 'page through threads; scroll a long window (↑↓ too in help and the tree)'],
      ['Home End', 'first / last row'],
      ['Esc', 'close this window'],
      ['Ctrl-C', 'quit'],
    ]),
    line(''),
    line(seg('now', 'bold'), `  sorted by ${SORT_LABELS[ui.sort]} · ${ui.grouped ? 'grouped by wait' : 'one row per thread'} · ${ui.paused ? (mode === 'live' ? 'paused' : 'stopped') : mode === 'live' ? 'sampling' : 'playing'}`),
    line(''),
    line(seg('reading it', 'bold')),
    line('  The verdict, whole, is the line under the header; t shows each step\'s answer whole.'),
    line('  PSI: avg10 % of time some (or all) tasks stalled on cpu, memory, io, irq; the'),
    line('  sparkline shows history, ▄ reaches the contention threshold, taller bars are over it.'),
    line('  Charts (on a screen of 44 rows or more, or v): PSI avg10 some/full with the threshold'),
    line('  drawn in red, and the process\'s time shares per interval — average threads running,'),
    line('  runnable and in each wait — so a stall that comes and goes shows as a peak. Without'),
    line('  colour (NO_COLOR) or Unicode they are drawn as one labelled sparkline per line.'),
    line('  WAIT: what each thread is blocked on (the design\'s stable wait kinds); FUNCTION is the'),
    line('  kernel function it sleeps in (wchan / stack). "needs root": the file is root-only.'),
    line('  The decision tree walks PSI → resource → on/off-CPU → wait and ends in a next command.'),
  ];
}
