import { ParseError } from '../procfs/errors.js';

/**
 * `Key:\tvalue` files (`status`, `io`, fdinfo). Returns the pairs in order; a line
 * without a colon is malformed. Values are trimmed.
 */
export function parseKeyValueLines(text: string, separator = ':'): Map<string, string> {
  const pairs = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const at = line.indexOf(separator);
    if (at <= 0) throw new ParseError(`expected "key${separator} value", got ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    pairs.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return pairs;
}

export function parseDecimal(value: string | undefined, what: string, line?: number): number {
  if (value === undefined || !/^-?\d+$/.test(value)) {
    throw new ParseError(`${what} is not a number: ${JSON.stringify((value ?? '').slice(0, 30))}`, line);
  }
  return Number(value);
}
