import { InvalidArgumentError } from 'commander';
import { parseCondition, type Condition } from './conditions.js';

/** Commander parsers for `watch`: pure, tested as a table. */

/** `--when` may be given several times: collect them (any of them triggers). */
export function collectCondition(value: string, previous: readonly Condition[] | undefined): Condition[] {
  const outcome = parseCondition(value);
  if (!outcome.ok) throw new InvalidArgumentError(outcome.message);
  return [...(previous ?? []), outcome.condition];
}

/** Seconds, fractions allowed: `2`, `0.5`. */
export function parseSeconds(name: string, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n > max) throw new InvalidArgumentError(`${name} must be a number of seconds from 0 to ${max}, got "${value}".`);
    return n;
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A size in bytes with an optional K, M or G suffix (powers of 1024): `500M`. */
export function parseByteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)i?b?$/i.exec(value.trim());
  const n = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isFinite(n) || n < 1024 * 1024) throw new InvalidArgumentError(`--max-bytes must be a size of at least 1M (e.g. 200M, 2G), got "${value}".`);
  return Math.floor(n);
}
