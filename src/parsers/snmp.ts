import { ParseError } from '../procfs/errors.js';

/** Counters of one protocol line pair, e.g. `Tcp` → {RetransSegs: 12, …}. */
export type SnmpSection = Readonly<Record<string, number>>;

/**
 * `/proc/net/snmp` and `/proc/net/netstat`: pairs of lines, a header (`Tcp: RtoAlgorithm RtoMin …`)
 * then its values (`Tcp: 1 200 …`), under the same prefix. Values may be negative (`MaxConn -1`).
 */
export function parseSnmp(text: string): Readonly<Record<string, SnmpSection>> {
  const out: Record<string, SnmpSection> = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const header = lines[i]!;
    const values = lines[i + 1]!;
    const colon = header.indexOf(':');
    const prefix = header.slice(0, colon);
    if (colon <= 0 || !values.startsWith(`${prefix}:`)) throw new ParseError(`expected a "${prefix}:" value line after its header`, i + 2);
    const names = header.slice(colon + 1).trim().split(/\s+/);
    const numbers = values.slice(colon + 1).trim().split(/\s+/);
    if (names.length !== numbers.length) throw new ParseError(`${prefix}: ${names.length} names but ${numbers.length} values`, i + 2);
    const section: Record<string, number> = {};
    names.forEach((name, k) => {
      const v = numbers[k]!;
      if (!/^-?\d+$/.test(v)) throw new ParseError(`${prefix} ${name} is not a number: ${JSON.stringify(v.slice(0, 30))}`, i + 2);
      section[name] = Number(v);
    });
    out[prefix] = section;
  }
  if (lines.length % 2 !== 0) throw new ParseError('a header line has no value line', lines.length);
  return out;
}
