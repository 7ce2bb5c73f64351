import { keyHelp, type KeyMode } from '../keys.js';
import { SORT_LABELS, type UiState } from '../state.js';
import { fitLine, line, seg, type Line, type Segment } from '../text.js';

/** The bottom line: a message (capture written, …) if any, then every key. */
export function statusLine(mode: KeyMode, message: string | null, width: number): Line {
  const keys: Segment[] = keyHelp(mode).flatMap(([k, what]) => [seg(` ${k}`, 'bold'), seg(` ${what} `)]);
  const lead: Segment[] = message ? [seg(` ${message} `, 'badge'), seg(' ')] : [];
  return fitLine(line(...lead, ...keys), width);
}

/** The `?` overlay: the keys, and how to read the screen. */
export function helpLines(mode: KeyMode, ui: UiState): Line[] {
  const keys = keyHelp(mode).map(([k, what]) => line(seg(`  ${k}`.padEnd(12), 'bold'), what));
  return [
    line(seg('keys', 'bold')),
    ...keys,
    line(seg('  PgUp PgDn'.padEnd(12), 'bold'), 'page through threads; scroll a long window (↑↓ too in help and the tree)'),
    line(seg('  Home End'.padEnd(12), 'bold'), 'first / last row'),
    line(seg('  Esc'.padEnd(12), 'bold'), 'close this window'),
    line(seg('  Ctrl-C'.padEnd(12), 'bold'), 'quit'),
    line(''),
    line(seg('now', 'bold'), `  sorted by ${SORT_LABELS[ui.sort]} · ${ui.grouped ? 'grouped by wait' : 'one row per thread'} · ${ui.paused ? (mode === 'live' ? 'paused' : 'stopped') : mode === 'live' ? 'sampling' : 'playing'}`),
    line(''),
    line(seg('reading it', 'bold')),
    line('  PSI: avg10 % of time some (or all) tasks stalled on cpu, memory, io, irq; the'),
    line('  sparkline shows history, ▄ reaches the contention threshold, taller bars are over it.'),
    line('  WAIT: what each thread is blocked on (the design\'s stable wait kinds); FUNCTION is the'),
    line('  kernel function it sleeps in (wchan / stack). "needs root": the file is root-only.'),
    line('  The decision tree walks PSI → resource → on/off-CPU → wait and ends in a next command.'),
  ];
}
