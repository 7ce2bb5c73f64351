import { ParseError } from '../procfs/errors.js';

/** The fields of `/proc/<pid>/stat` (and `task/<tid>/stat`) that proctriage uses. */
export interface ProcStat {
  readonly pid: number;
  /** Between the first `(` and the LAST `)`: a comm may hold spaces and parens. */
  readonly comm: string;
  /** R S D T t Z X I P (and W/K/x on old kernels). */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  readonly ttyNr: number;
  readonly flags: number;
  readonly minflt: number;
  readonly majflt: number;
  /** Clock ticks (USER_HZ). */
  readonly utime: number;
  readonly stime: number;
  readonly priority: number;
  readonly nice: number;
  readonly numThreads: number;
  /** Clock ticks since boot: with the pid, identifies the process across PID reuse. */
  readonly starttime: number;
  readonly vsizeBytes: number;
  readonly rssPages: number;
  /** CPU last run on (field 39), when present. */
  readonly processor: number | null;
  /** Aggregated block I/O delays in ticks (field 42), when present. */
  readonly delayacctBlkioTicks: number | null;
}

/** PF_KTHREAD from include/linux/sched.h. */
export const PF_KTHREAD = 0x00200000;

const STATE_LETTERS = /^[RSDTtZXxIPWKN]$/;

function field(fields: readonly string[], index: number, name: string, optional: true): number | null;
function field(fields: readonly string[], index: number, name: string, optional?: false): number;
function field(fields: readonly string[], index: number, name: string, optional = false): number | null {
  const raw = fields[index];
  if (raw === undefined) {
    if (optional) return null;
    throw new ParseError(`stat has no field ${name}`, 1);
  }
  if (!/^-?\d+$/.test(raw)) throw new ParseError(`stat field ${name} is not a number: ${JSON.stringify(raw.slice(0, 30))}`, 1);
  return Number(raw);
}

export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ParseError('stat has no "(comm)"', 1);
  const pidText = text.slice(0, open).trim();
  if (!/^\d+$/.test(pidText)) throw new ParseError(`stat does not start with a pid: ${JSON.stringify(pidText.slice(0, 20))}`, 1);
  const comm = text.slice(open + 1, close);
  // Fields after the comm, numbered from field 3 (state) = index 0.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0] ?? '';
  if (!STATE_LETTERS.test(state)) throw new ParseError(`stat state is not a state letter: ${JSON.stringify(state.slice(0, 10))}`, 1);
  const at = (fieldNumber: number) => fieldNumber - 3;
  return {
    pid: Number(pidText),
    comm,
    state,
    ppid: field(rest, at(4), 'ppid'),
    pgrp: field(rest, at(5), 'pgrp'),
    session: field(rest, at(6), 'session'),
    ttyNr: field(rest, at(7), 'tty_nr'),
    flags: field(rest, at(9), 'flags'),
    minflt: field(rest, at(10), 'minflt'),
    majflt: field(rest, at(12), 'majflt'),
    utime: field(rest, at(14), 'utime'),
    stime: field(rest, at(15), 'stime'),
    priority: field(rest, at(18), 'priority'),
    nice: field(rest, at(19), 'nice'),
    numThreads: field(rest, at(20), 'num_threads'),
    starttime: field(rest, at(22), 'starttime'),
    vsizeBytes: field(rest, at(23), 'vsize'),
    rssPages: field(rest, at(24), 'rss'),
    processor: field(rest, at(39), 'processor', true),
    delayacctBlkioTicks: field(rest, at(42), 'delayacct_blkio_ticks', true),
  };
}

export function isKernelThreadFlags(flags: number): boolean {
  return (flags & PF_KTHREAD) !== 0;
}

/** The few stat fields a whole-machine sample needs, parsed without splitting the line. */
export interface StatHead {
  readonly comm: string;
  readonly state: string;
  readonly flags: number;
}

/**
 * comm, state and flags (field 9) only: the cheap path of a whole-machine sample, where
 * thousands of stat lines are read per sample. Same rules as parseStat (comm ends at the LAST `)`).
 */
export function parseStatHead(text: string): StatHead {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ParseError('stat has no "(comm)"', 1);
  const state = text.charAt(close + 2);
  if (!STATE_LETTERS.test(state)) throw new ParseError(`stat state is not a state letter: ${JSON.stringify(state)}`, 1);
  // After the state: ppid pgrp session tty_nr tpgid flags — flags starts after the 6th space.
  let at = close + 2;
  for (let k = 0; k < 6 && at >= 0; k++) at = text.indexOf(' ', at + 1);
  const end = at < 0 ? -1 : text.indexOf(' ', at + 1);
  const flags = at < 0 || end < 0 ? NaN : Number(text.slice(at + 1, end));
  if (!Number.isInteger(flags)) throw new ParseError('stat field flags is not a number', 1);
  return { comm: text.slice(open + 1, close), state, flags };
}
