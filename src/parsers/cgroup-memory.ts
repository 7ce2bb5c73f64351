import { ParseError } from '../procfs/errors.js';

/** `memory.max` / `memory.high`: bytes, or null for `max` (no limit). */
export function parseMemoryLimit(text: string): number | null {
  const value = text.trim();
  if (value === 'max') return null;
  if (!/^\d+$/.test(value)) throw new ParseError(`not a byte count or "max": ${JSON.stringify(value.slice(0, 30))}`, 1);
  return Number(value);
}

/** Flat-keyed cgroup files (`memory.events`, `memory.stat`): `key value` per line. */
export function parseFlatKeyed(text: string): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = /^(\S+) (\d+)$/.exec(line);
    if (!m) throw new ParseError(`expected "key value", got ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
