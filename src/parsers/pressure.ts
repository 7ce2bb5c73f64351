import { ParseError } from '../procfs/errors.js';

export interface PsiLine {
  /** Percent of wall time stalled over the last 10, 60 and 300 s. */
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  /** Cumulative stall time in microseconds. */
  readonly total: number;
}

/**
 * One PSI file (`/proc/pressure/<resource>` or a cgroup's `<resource>.pressure`).
 * `cpu` has no `full` line before 5.13; `irq` (6.1+) has only `full`.
 */
export interface Pressure {
  readonly some: PsiLine | null;
  readonly full: PsiLine | null;
}

const LINE = /^(some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d+)$/;

export function parsePressure(text: string): Pressure {
  let some: PsiLine | null = null;
  let full: PsiLine | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) throw new ParseError(`not a PSI line: ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    const value: PsiLine = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: Number(m[5]) };
    if (m[1] === 'some') some = value;
    else full = value;
  }
  if (!some && !full) throw new ParseError('empty PSI file', 1);
  return { some, full };
}
