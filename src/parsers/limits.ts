import { ParseError } from '../procfs/errors.js';

export interface Limit {
  /** null = unlimited. */
  readonly soft: number | null;
  readonly hard: number | null;
  readonly units: string;
}

/** `/proc/<pid>/limits`, keyed by the limit's name as printed (`Max open files`). */
export type Limits = Readonly<Record<string, Limit>>;

function limitValue(raw: string, line: number): number | null {
  if (raw === 'unlimited') return null;
  if (!/^\d+$/.test(raw)) throw new ParseError(`limit is not a number: ${JSON.stringify(raw)}`, line);
  return Number(raw);
}

/** The columns are fixed-width in fs/proc/base.c: name (25), soft (20), hard (20), units. */
export function parseLimits(text: string): Limits {
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('Limit')) throw new ParseError('limits has no header', 1);
  const limits: Record<string, Limit> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const name = line.slice(0, 25).trim();
    const values = line.slice(25).trim().split(/\s+/);
    if (name === '' || values.length < 2) throw new ParseError(`not a limits row: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    limits[name] = { soft: limitValue(values[0]!, i + 1), hard: limitValue(values[1]!, i + 1), units: values[2] ?? '' };
  }
  return limits;
}
