import { ParseError } from '../procfs/errors.js';

/** `/proc/<pid>/task/<tid>/schedstat`: time on CPU, time waiting on a runqueue, timeslices. */
export interface SchedStat {
  readonly runNs: number;
  /** Runqueue delay: time runnable but not running. */
  readonly waitNs: number;
  readonly timeslices: number;
}

export function parseSchedStat(text: string): SchedStat {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new ParseError(`expected three numbers, got ${JSON.stringify(text.trim().slice(0, 60))}`, 1);
  }
  return { runNs: Number(parts[0]), waitNs: Number(parts[1]), timeslices: Number(parts[2]) };
}
